//! Cases, their parties and documents, and document bytes.

use super::{Row, Tx};
use crate::country::Country;
use crate::error::{Problem, Result};
use crate::idnum::mask_stored;
use crate::model::{
    Address, CaseSummary, Document, DocumentId, LockInfo, Party, PartyId, PartyRole,
};

/// A case row with its database id.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub benefit: String,
    pub team: String,
}

/// A party to insert.
#[derive(Debug, Clone)]
pub struct NewParty<'a> {
    pub role: PartyRole,
    pub name: &'a str,
    pub id_number: &'a str,
    pub protected: bool,
    pub address: Option<&'a Address>,
}

/// A document to insert; the bytes go to the content-addressed blob table.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub date: &'a str,
    pub subject: PartyId,
    pub pages: u32,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
}

/// Cases of a team, with their lock holder.
pub fn list(c: &Tx<'_>, team: &str) -> Result<Vec<CaseSummary>> {
    c.rows(
        "SELECT c.number, c.benefit, c.team, l.account
         FROM cases c LEFT JOIN case_locks l ON l.case_id = c.id
         WHERE c.team = ?1 ORDER BY c.number",
        &[&team],
        |r| {
            Ok(CaseSummary {
                case: r.get(0)?,
                benefit: r.get(1)?,
                team: r.get(2)?,
                locked_by: r.get(3)?,
            })
        },
    )
}

/// A case by its number.
pub fn by_number(c: &Tx<'_>, number: &str) -> Result<Option<CaseRow>> {
    c.row(
        "SELECT id, number, benefit, team FROM cases WHERE number = ?1",
        &[&number],
        case_row,
    )
}

/// The team of case `number`, whichever team's it is, for the refusal that names it. On
/// PostgreSQL row security hides other teams' cases from a desk, so the server's
/// `kuvert_case_team` (roles.sql) answers with that one fact.
pub fn team_of(c: &Tx<'_>, number: &str) -> Result<Option<String>> {
    let sql = if c.on_server() {
        "SELECT kuvert_case_team(?1)"
    } else {
        "SELECT team FROM cases WHERE number = ?1"
    };
    Ok(c.row(sql, &[&number], |r| r.get::<Option<String>>(0))?
        .flatten())
}

/// The case a document belongs to, whichever team's (`kuvert_case_team`'s twin on a server,
/// `kuvert_document_case`): for the refusal of a document of another case.
pub fn case_of_document(c: &Tx<'_>, id: DocumentId) -> Result<Option<i64>> {
    let sql = if c.on_server() {
        "SELECT kuvert_document_case(?1)"
    } else {
        "SELECT case_id FROM documents WHERE id = ?1"
    };
    Ok(c.row(sql, &[&id], |r| r.get::<Option<i64>>(0))?.flatten())
}

/// A case by id.
pub fn by_id(c: &Tx<'_>, id: i64) -> Result<CaseRow> {
    c.one(
        "SELECT id, number, benefit, team FROM cases WHERE id = ?1",
        &[&id],
        case_row,
    )
}

fn case_row(r: &Row<'_>) -> Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        number: r.get(1)?,
        benefit: r.get(2)?,
        team: r.get(3)?,
    })
}

const PARTY_COLUMNS: &str =
    "id, role, name, id_number, protected, care_of, street, postal_code, city, country";

fn party_row(r: &Row<'_>) -> Result<Party> {
    let role: String = r.get(1)?;
    let id_number: String = r.get(3)?;
    let protected: bool = r.get(4)?;
    let street: Option<String> = r.get(6)?;
    let postal_code: Option<String> = r.get(7)?;
    let city: Option<String> = r.get(8)?;
    let country = match r.get::<Option<String>>(9)? {
        // Only a protected party (who has no address) or a purged one has no country.
        None => Country::SWEDEN,
        Some(code) => Country::from_code(&code)
            .ok_or_else(|| super::bad_column(9, "an ISO 3166-1 country code", code))?,
    };
    // A protected party has no address in the database (a CHECK constraint); the `protected`
    // test here is a second lock on the same door.
    let address = match (protected, street, postal_code, city) {
        (false, Some(street), Some(postal_code), Some(city)) => Some(Address {
            care_of: r.get(5)?,
            street,
            postal_code,
            city,
            country,
        }),
        _ => None,
    };
    Ok(Party {
        id: r.get(0)?,
        role: PartyRole::parse(&role).unwrap_or(PartyRole::Applicant),
        name: r.get(2)?,
        id_masked: mask_stored(&id_number),
        id_number,
        protected,
        address,
    })
}

/// The parties of a case, applicant first.
pub fn parties(c: &Tx<'_>, case_id: i64) -> Result<Vec<Party>> {
    c.rows(
        &format!(
            "SELECT {PARTY_COLUMNS} FROM parties WHERE case_id = ?1
             ORDER BY CASE role WHEN 'applicant' THEN 0 WHEN 'representative' THEN 1
                                WHEN 'employer' THEN 2 ELSE 3 END, id"
        ),
        &[&case_id],
        party_row,
    )
}

/// One party, only if it belongs to the given case.
pub fn party_of_case(c: &Tx<'_>, case_id: i64, party: PartyId) -> Result<Option<Party>> {
    c.row(
        &format!("SELECT {PARTY_COLUMNS} FROM parties WHERE id = ?1 AND case_id = ?2"),
        &[&party, &case_id],
        party_row,
    )
}

/// One party by id (any case).
pub fn party(c: &Tx<'_>, party: PartyId) -> Result<Option<Party>> {
    c.row(
        &format!("SELECT {PARTY_COLUMNS} FROM parties WHERE id = ?1"),
        &[&party],
        party_row,
    )
}

fn document_row(r: &Row<'_>) -> Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        title: r.get(1)?,
        kind: r.get(2)?,
        date: r.get(3)?,
        subject: r.get(4)?,
        pages: r.get(5)?,
        sha256: r.get::<Option<String>>(6)?.unwrap_or_default(),
    })
}

/// The documents of a case, newest first.
pub fn documents(c: &Tx<'_>, case_id: i64) -> Result<Vec<Document>> {
    c.rows(
        "SELECT id, title, kind, date, subject_id, pages, sha256 FROM documents
         WHERE case_id = ?1 ORDER BY date DESC, id",
        &[&case_id],
        document_row,
    )
}

/// A document and the case it belongs to.
pub fn document(c: &Tx<'_>, id: DocumentId) -> Result<Option<(Document, i64)>> {
    c.row(
        "SELECT id, title, kind, date, subject_id, pages, sha256, case_id FROM documents WHERE id = ?1",
        &[&id],
        |r| Ok((document_row(r)?, r.get(7)?)),
    )
}

/// The PDF bytes of a document; `None` once purged.
pub fn document_bytes(c: &Tx<'_>, id: DocumentId) -> Result<Option<Vec<u8>>> {
    if !c.on_server() {
        let rowid: Option<i64> = c.row(
            "SELECT b.rowid FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.id = ?1",
            &[&id],
            |r| r.get(0),
        )?;
        return match rowid {
            Some(rowid) => c.read_blob("blobs", "bytes", rowid),
            None => Ok(None),
        };
    }
    c.row(
        "SELECT b.bytes FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.id = ?1",
        &[&id],
        |r| r.get(0),
    )
}

/// The lock on a case, with the holder's display name.
pub fn lock(c: &Tx<'_>, case_id: i64) -> Result<Option<LockInfo>> {
    c.row(
        "SELECT l.account, u.name, l.since, l.mailing_id
         FROM case_locks l JOIN users u ON u.account = l.account WHERE l.case_id = ?1",
        &[&case_id],
        |r| {
            Ok(LockInfo {
                account: r.get(0)?,
                name: r.get(1)?,
                since: r.get(2)?,
                mailing: r.get(3)?,
            })
        },
    )
}

/// Inserts a case; a case number already in use is refused.
pub fn insert_case(c: &Tx<'_>, number: &str, benefit: &str, team: &str) -> Result<i64> {
    super::people::ensure_team(c, team)?;
    match c.one(
        "INSERT INTO cases(number, benefit, team) VALUES (?1, ?2, ?3) RETURNING id",
        &[&number, &benefit, &team],
        |r| r.get(0),
    ) {
        Err(e) if super::is_unique_violation(&e) => Err(Problem::CaseExists {
            number: number.to_owned(),
        }
        .into()),
        other => other,
    }
}

/// Inserts a party of a case.
pub fn insert_party(c: &Tx<'_>, case_id: i64, p: &NewParty<'_>) -> Result<PartyId> {
    let a = if p.protected { None } else { p.address };
    c.one(
        "INSERT INTO parties(case_id, role, name, id_number, protected, care_of, street, postal_code, city, country)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        &[
            &case_id,
            &p.role.as_str(),
            &p.name,
            &p.id_number,
            &p.protected,
            &a.and_then(|a| a.care_of.as_deref()),
            &a.map(|a| a.street.as_str()),
            &a.map(|a| a.postal_code.as_str()),
            &a.map(|a| a.city.as_str()),
            &a.map(|a| a.country.code()),
        ],
        |r| r.get(0),
    )
}

/// Inserts a document; identical bytes are stored once.
pub fn insert_document(c: &Tx<'_>, case_id: i64, d: &NewDocument<'_>) -> Result<DocumentId> {
    if c.on_server() {
        c.run(
            "INSERT INTO blobs(sha256, bytes) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            &[&d.sha256, &d.bytes],
        )?;
    } else {
        // A zeroblob of the size, then the bytes written into it: SQLite does not copy them.
        let len = d.bytes.len() as i64;
        let made: Option<i64> = c.row(
            "INSERT INTO blobs(sha256, bytes) VALUES (?1, zeroblob(?2)) ON CONFLICT DO NOTHING
             RETURNING rowid",
            &[&d.sha256, &len],
            |r| r.get(0),
        )?;
        if let Some(rowid) = made {
            c.write_blob("blobs", "bytes", rowid, d.bytes)?;
        }
    }
    c.one(
        "INSERT INTO documents(case_id, title, kind, date, subject_id, pages, sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        &[
            &case_id, &d.title, &d.kind, &d.date, &d.subject, &d.pages, &d.sha256,
        ],
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use rusqlite_migration::{M, Migrations};

    /// A database at schema v4 with one Swedish and one protected party, then upgraded.
    #[test]
    fn schema_v5_gives_old_addresses_sweden_and_protected_parties_no_country() {
        let mut c = Connection::open_in_memory().expect("db");
        let up_to = |n: usize| {
            let all = [
                include_str!("schema_v1.sql"),
                include_str!("schema_v2.sql"),
                include_str!("schema_v3.sql"),
                include_str!("schema_v4.sql"),
                include_str!("schema_v5.sql"),
            ];
            Migrations::new(all[..n].iter().map(|sql| M::up(sql)).collect())
        };
        up_to(4).to_latest(&mut c).expect("v4");
        c.execute_batch(
            "INSERT INTO teams VALUES ('A');
             INSERT INTO cases(id, number, benefit, team) VALUES (1, 'FK 2026-1', 'x', 'A');
             INSERT INTO parties(case_id, role, name, id_number, protected, street, postal_code, city)
                 VALUES (1, 'applicant', 'a', '198001012346', 0, 'Gatan 1', '11122', 'Stockholm');
             INSERT INTO parties(case_id, role, name, id_number, protected)
                 VALUES (1, 'applicant', 'b', '198001012346', 1);",
        )
        .expect("v4 rows");
        up_to(5).to_latest(&mut c).expect("v5");
        let countries: Vec<Option<String>> = c
            .prepare("SELECT country FROM parties ORDER BY id")
            .expect("select")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("countries");
        assert_eq!(countries, [Some("SE".to_owned()), None]);
        let tx = super::Tx::over(c.transaction().expect("tx"));
        let parties = super::parties(&tx, 1).expect("read");
        drop(tx);
        let a = parties[0].address.as_ref().expect("an address");
        assert!(a.country.is_sweden());
        assert!(parties[1].address.is_none());
        // A protected party never gets a country; an address never lacks one.
        for bad in [
            "UPDATE parties SET country = 'DE' WHERE protected = 1",
            "UPDATE parties SET country = NULL WHERE protected = 0",
            "UPDATE parties SET country = 'de' WHERE protected = 0",
            "INSERT INTO parties(case_id, role, name, id_number, protected, street, postal_code, city)
                 VALUES (1, 'applicant', 'c', '198001012346', 0, 'G 1', '11122', 'S')",
        ] {
            assert!(c.execute(bad, []).is_err(), "{bad}");
        }
        // Retention empties an address, its country with it.
        c.execute(
            "UPDATE parties SET street = '', postal_code = '', city = '', country = NULL
             WHERE protected = 0",
            [],
        )
        .expect("a purged address has no country");
    }
}
