//! The API names a document's fields as its section inputs do; the domain (and the events it
//! has stored) has one older name, `hostOrganisation.type`, which the API calls
//! `organisationType` everywhere: in errors' `extensions.field`, in missing fields and in
//! `copyToDocuments(fields:)` (which still takes `type`, deprecated, for older clients).

/// (section, the domain's name, the API's name).
const RENAMED: &[(&str, &str, &str)] = &[("hostOrganisation", "type", "organisationType")];

/// The API's name of a domain field within `section`.
pub fn api_field<'a>(section: &str, field: &'a str) -> &'a str {
    RENAMED
        .iter()
        .find(|(s, domain, _)| *s == section && *domain == field)
        .map_or(field, |(_, _, api)| api)
}

/// A path `section.field` (as errors and missing fields name it) in the API's names.
pub fn api_path(path: &str) -> String {
    match path.split_once('.') {
        Some((section, field)) => format!("{section}.{}", api_field(section, field)),
        None => path.to_string(),
    }
}

/// The domain's name of a field the API names within `section` (the old name is kept).
pub fn domain_field(section: &str, field: String) -> String {
    RENAMED
        .iter()
        .find(|(s, _, api)| *s == section && *api == field)
        .map_or(field, |(_, domain, _)| domain.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_organisations_type_is_named_as_its_input_names_it() {
        assert_eq!(
            api_path("hostOrganisation.type"),
            "hostOrganisation.organisationType"
        );
        assert_eq!(api_path("project.type"), "project.type");
        assert_eq!(api_path("personalData.surname"), "personalData.surname");
        assert_eq!(
            domain_field("hostOrganisation", "organisationType".into()),
            "type"
        );
        assert_eq!(domain_field("hostOrganisation", "type".into()), "type");
        assert_eq!(
            domain_field("project", "organisationType".into()),
            "organisationType"
        );
    }
}
