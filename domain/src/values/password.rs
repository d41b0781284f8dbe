use crate::values::Email;
use crate::Refusal;

/// A password a person chose. Never serialised, never printed.
///
/// Besides its length, it must not be guessable from what an attacker knows or tries first
/// (NIST SP 800-63B 5.1.1.2): a repeated character or two, the account's own e-mail address
/// or the part before the `@`, a password from the lists that guessing starts with.
pub struct NewPassword(String);

/// Fewer different characters than this make a password a repetition (`aaaaaaaaaa`,
/// `abababababab`), however long.
pub const MIN_DISTINCT_CHARACTERS: usize = 5;

/// Local parts shorter than this are not looked for inside passwords: `a@x.lv` would refuse
/// every password with an "a", and guessing gains nothing from such a short part.
const MIN_LOCAL_PART: usize = 3;

/// Passwords (lower case, letters and digits only) that guessing tries first, of at least ten
/// characters, and words that stay guessable with digits or signs around them.
const COMMON_PASSWORDS: &[&str] = &[
    "0123456789",
    "1234567890",
    "0987654321",
    "12345678910",
    "123456789a",
    "123456789q",
    "1111111111",
    "1234512345",
    "1234554321",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "asdfghjkl",
    "zxcvbnm123",
    "abcdefghij",
    "abc1234567",
    "abcd123456",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou12",
    "iloveyou123",
    "letmein123",
    "welcome123",
    "administrator",
    "changeme123",
    "football123",
    "baseball123",
    "princess123",
    "sunshine123",
    "superman123",
    "starwars123",
    "trustno1234",
];

/// Words that a password must be more than (with digits or signs around them).
const COMMON_WORDS: &[&str] = &[
    "password",
    "passwort",
    "passord",
    "parole",
    "parolparol",
    "europass",
    "mobility",
    "erasmus",
    "qwerty",
    "qwertz",
    "azerty",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "changeme",
    "secret",
    "sunshine",
    "football",
    "baseball",
    "princess",
    "superman",
    "dragon",
    "monkey",
    "master",
    "shadow",
    "trustno",
    "latvija",
    "riga",
];

impl NewPassword {
    /// A password for the account with the login e-mail `owner` (`None`: the e-mail is not
    /// known, e.g. erased).
    pub fn parse(raw: &str, owner: Option<&Email>) -> Result<Self, Refusal> {
        let n = raw.chars().count();
        if !(10..=200).contains(&n) {
            return Err(weak(
                "WEAK_PASSWORD",
                "password must be 10 to 200 characters long",
            ));
        }
        let lower = raw.to_lowercase();
        let mut distinct: Vec<char> = lower.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < MIN_DISTINCT_CHARACTERS {
            return Err(weak(
                "PASSWORD_TOO_SIMPLE",
                format!(
                    "password must have at least {MIN_DISTINCT_CHARACTERS} different characters"
                ),
            ));
        }
        let letters_and_digits = alphanumeric(&lower);
        if let Some(email) = owner {
            let local = email.as_str().split('@').next().unwrap_or_default();
            let local = alphanumeric(local);
            if lower.contains(email.as_str())
                || (local.chars().count() >= MIN_LOCAL_PART && letters_and_digits.contains(&local))
            {
                return Err(weak(
                    "PASSWORD_CONTAINS_EMAIL",
                    "password must not contain your e-mail address or the part before the @",
                ));
            }
        }
        let word = common_word_form(&lower);
        if COMMON_PASSWORDS.contains(&letters_and_digits.as_str())
            || COMMON_WORDS.contains(&word.as_str())
            || is_sequence(&letters_and_digits)
        {
            return Err(weak(
                "PASSWORD_TOO_COMMON",
                "this password is among the first that attackers try; choose another",
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn weak(reason: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::validation("newPassword", reason, message)
}

/// The letters and digits of `s`, in order.
fn alphanumeric(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The word a password is made of once the digits and signs around it are dropped and the
/// usual look-alikes inside it are read as letters (`P@ssw0rd2026!` is `password`).
fn common_word_form(lower: &str) -> String {
    let signs_as_letters: String = lower
        .chars()
        .map(|c| match c {
            '@' => 'a',
            '$' => 's',
            other => other,
        })
        .collect();
    alphanumeric(&signs_as_letters)
        .trim_matches(|c: char| c.is_ascii_digit())
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

/// Runs of consecutive characters (`abcdefghijkl`, `9876543210`): other orderings than the
/// listed ones of the same keyboard-walk kind.
fn is_sequence(s: &str) -> bool {
    let codes: Vec<u32> = s.chars().map(u32::from).collect();
    codes.len() >= 2
        && (codes.windows(2).all(|w| w[1] == w[0] + 1)
            || codes.windows(2).all(|w| w[0] == w[1] + 1))
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> Email {
        Email::parse("anna.berzina@skola.lv").unwrap()
    }

    fn reason(raw: &str) -> &'static str {
        NewPassword::parse(raw, Some(&owner())).map_or_else(|e| e.reason, |_| "OK")
    }

    #[test]
    fn refusals_name_the_field() {
        for raw in [
            "short",
            "aaaaaaaaaa",
            "anna.berzina@skola.lv!",
            "password123",
        ] {
            let err = NewPassword::parse(raw, Some(&owner())).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("newPassword"), "{raw}");
            assert_eq!(err.code, crate::RefusalCode::Validation);
        }
    }

    #[test]
    fn repetitions_are_refused_however_long() {
        assert_eq!(reason("aaaaaaaaaa"), "PASSWORD_TOO_SIMPLE");
        assert_eq!(reason("AaAaAaAaAaAaAaAa"), "PASSWORD_TOO_SIMPLE");
        assert_eq!(reason("abababababababab"), "PASSWORD_TOO_SIMPLE");
        assert_eq!(reason("abcdabcdabcd"), "PASSWORD_TOO_SIMPLE");
        assert_eq!(reason("abcdeabcde"), "OK", "five different characters");
    }

    #[test]
    fn the_owners_email_or_local_part_is_refused_in_any_case() {
        assert_eq!(reason("anna.berzina@skola.lv"), "PASSWORD_CONTAINS_EMAIL");
        assert_eq!(
            reason("My ANNA.BERZINA@skola.lv"),
            "PASSWORD_CONTAINS_EMAIL"
        );
        assert_eq!(reason("annaberzina2026"), "PASSWORD_CONTAINS_EMAIL");
        assert_eq!(reason("x-Anna.Berzina-x"), "PASSWORD_CONTAINS_EMAIL");
        assert_eq!(reason("Anna's own passphrase"), "OK", "a first name alone");
        // The same password is fine for somebody else.
        assert!(NewPassword::parse("annaberzina2026", None).is_ok());
        let short_local = Email::parse("ab@skola.lv").unwrap();
        assert!(NewPassword::parse("absolutely fine", Some(&short_local)).is_ok());
        assert_eq!(
            NewPassword::parse("my ab@skola.lv pass", Some(&short_local))
                .unwrap_err()
                .reason,
            "PASSWORD_CONTAINS_EMAIL"
        );
    }

    #[test]
    fn common_passwords_and_sequences_are_refused() {
        for raw in [
            "1234567890",
            "Password123",
            "password!!!!",
            "P@ssword2026",
            "QWERTYUIOP",
            "qwerty123456",
            "abcdefghijkl",
            "9876543210",
            "2026europass",
            "parole123456",
            "Passw0rd!2026",
            "$ecret2026!",
        ] {
            assert_eq!(reason(raw), "PASSWORD_TOO_COMMON", "{raw}");
        }
        for raw in [
            "a much better one",
            "correct horse battery staple",
            "Rīgas pavasaris 2026",
            "password manager made this: 7Gq!x",
        ] {
            assert_eq!(reason(raw), "OK", "{raw}");
        }
    }

    #[test]
    fn length_is_checked_first_and_in_characters() {
        assert_eq!(reason("Ab1!x"), "WEAK_PASSWORD");
        assert_eq!(reason(&"žluņģis".repeat(29)), "WEAK_PASSWORD");
        assert_eq!(reason(&"Žluņģis ".repeat(25)), "OK");
    }
}
