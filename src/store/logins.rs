//! The server's login roles: on PostgreSQL a registered user is a login the server
//! authenticates, a member of kuvert's group role for their role in kuvert (roles.sql).

use super::Tx;
use crate::error::{Problem, Result};
use crate::model::{LoginGrant, Role};

/// The group role a role in kuvert takes on the server.
pub fn group_of(role: Role) -> &'static str {
    match role {
        Role::Caseworker => "kuvert_caseworker",
        Role::Lead => "kuvert_lead",
    }
}

/// Grants the user's group role to the login of that name, in the caller's transaction (so a
/// refused grant registers no one): creating the login when this connection may create
/// roles, else saying what IT must run. A group role of that name is refused: a person's
/// account is their own login.
pub fn grant(tx: &Tx<'_>, account: &str, role: Role) -> Result<LoginGrant> {
    if !tx.on_server() {
        return Ok(LoginGrant::NotOnServer);
    }
    let group = group_of(role);
    let (login, may_create): (Option<bool>, bool) = tx.one(
        "SELECT (SELECT rolcanlogin FROM pg_roles WHERE rolname = ?1), \
                (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user)",
        &[&account],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let name = quote(account);
    let grant = format!("GRANT {group} TO {name}");
    let create = format!("CREATE ROLE {name} LOGIN IN ROLE {group}");
    let for_it = |sql: &str| LoginGrant::ForIt {
        statement: format!("{sql};"),
    };
    // Whether this connection may grant the group depends on the server's version and on
    // who holds ADMIN OPTION: the server decides, under a savepoint, and a refusal becomes
    // the statement for IT.
    let attempt = |sql: &str, created: bool| match tx.run_or_go_on(sql, &[]) {
        Ok(_) => Ok(LoginGrant::Granted {
            group: group.to_owned(),
            created,
        }),
        Err(e) if super::is_permission_denied(&e) => Ok(for_it(sql)),
        Err(e) => Err(e),
    };
    match login {
        Some(false) => Err(Problem::NotALogin {
            account: account.to_owned(),
        }
        .into()),
        Some(true) => attempt(&grant, false),
        None if !may_create => Ok(for_it(&create)),
        None => match attempt(&create, true) {
            // Roles are the cluster's: another database's kuvert made it a moment ago.
            Err(_) if is_login(tx, account)? => attempt(&grant, false),
            other => other,
        },
    }
}

fn is_login(tx: &Tx<'_>, account: &str) -> Result<bool> {
    tx.one(
        "SELECT count(*) FROM pg_roles WHERE rolname = ?1 AND rolcanlogin",
        &[&account],
        |r| Ok(r.get::<i64>(0)? > 0),
    )
}

/// A role name as an SQL identifier: always quoted, so `anna.b` and `Anna` stay themselves.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_one_identifier_whatever_it_holds() {
        assert_eq!(quote("anna.b"), "\"anna.b\"");
        assert_eq!(
            quote("x\"; DROP TABLE events; --"),
            "\"x\"\"; DROP TABLE events; --\""
        );
    }
}
