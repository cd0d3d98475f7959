//! What every screen works with: the workflow, the session, the language and who is at the
//! desk. Screens get it as `&mut` when they act and as `&` when they draw.

use crate::Error;
use crate::i18n::{self, Lang, Ui};
use crate::model::Role;
use crate::workflow::{Session, Workflow};

use super::screens::start::Who;

/// The context of a screen's `update` and `draw`.
pub struct Ctx {
    pub wf: Workflow,
    pub session: Session,
    pub lang: Lang,
    pub who: Who,
    /// A sealing station (`kuvert station`): no casework, no lead tab.
    pub station: bool,
    /// Characters the input pipeline still holds (a text field shows them as typed).
    pub held: String,
}

impl Ctx {
    pub fn new(wf: Workflow, session: Session, station: bool) -> Self {
        let lang = wf.lang();
        let who = Who {
            name: session.user.name.clone(),
            account: session.user.account.clone(),
            team: session.user.team.clone(),
            session: session.id,
        };
        Self {
            wf,
            session,
            lang,
            who,
            station,
            held: String::new(),
        }
    }

    /// A word of the catalogue in the desk's language.
    pub fn t(&self, u: Ui) -> &'static str {
        i18n::ui(u, self.lang)
    }

    /// An error as the caseworker reads it.
    pub fn error(&self, e: &Error) -> String {
        crate::i18n::describe(e, self.lang)
    }

    /// True for a team lead at a casework desk: the lead tab is there.
    pub fn has_lead_tab(&self) -> bool {
        self.session.user.role == Role::Lead && !self.station
    }
}
