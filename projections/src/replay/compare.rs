//! Row-by-row comparison of a live table with its rebuilt copy. Rows are compared as JSON
//! (`to_jsonb`), which gives every column type an equality and a readable report; rows are
//! paired by primary key. Every column is compared: all of them follow from the events
//! (times come from the events' metadata, positions from the store), none is taken from the
//! clock or chance.

use super::Difference;
use serde_json::{Map, Value};
use sqlx::PgConnection;

pub async fn compare(
    conn: &mut PgConnection,
    schema: &str,
    table: &str,
) -> anyhow::Result<Vec<Difference>> {
    let key_columns: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = to_regclass($1) AND i.indisprimary
          ORDER BY array_position(i.indkey, a.attnum)",
    )
    .bind(format!("public.{table}"))
    .fetch_all(&mut *conn)
    .await?;
    // Without a primary key the whole row is its own key.
    let key = if key_columns.is_empty() {
        "j".to_string()
    } else {
        let parts: Vec<String> = key_columns
            .iter()
            .map(|c| format!("'{c}', j->'{c}'"))
            .collect();
        format!("jsonb_build_object({})", parts.join(", "))
    };
    let rows: Vec<(Value, Option<Value>, Option<Value>)> = sqlx::query_as(&format!(
        "WITH live AS (SELECT to_jsonb(t) AS j FROM public.{table} t),
              rebuilt AS (SELECT to_jsonb(t) AS j FROM {schema}.{table} t),
              only_live AS (SELECT j FROM live EXCEPT ALL SELECT j FROM rebuilt),
              only_rebuilt AS (SELECT j FROM rebuilt EXCEPT ALL SELECT j FROM live),
              l AS (SELECT {key} AS k, j FROM only_live),
              r AS (SELECT {key} AS k, j FROM only_rebuilt)
         SELECT COALESCE(l.k, r.k), l.j, r.j
           FROM l FULL JOIN r ON l.k = r.k
          ORDER BY 1::text"
    ))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, live, rebuilt)| Difference {
            table: table.to_string(),
            columns: differing_columns(live.as_ref(), rebuilt.as_ref()),
            key: key.to_string(),
            live: live.map(|v| v.to_string()),
            rebuilt: rebuilt.map(|v| v.to_string()),
        })
        .collect())
}

/// The columns whose values differ (all of them when a row exists on one side only).
fn differing_columns(live: Option<&Value>, rebuilt: Option<&Value>) -> Vec<String> {
    let empty = Map::new();
    let live = live.and_then(Value::as_object).unwrap_or(&empty);
    let rebuilt = rebuilt.and_then(Value::as_object).unwrap_or(&empty);
    let mut columns: Vec<String> = live
        .keys()
        .chain(rebuilt.keys())
        .filter(|c| live.get(*c) != rebuilt.get(*c))
        .cloned()
        .collect();
    columns.sort();
    columns.dedup();
    columns
}
