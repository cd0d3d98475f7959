use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::store::Store;
use kuvert::{SessionKind, Workflow};

#[test]
fn explore() {
    let dir = tempfile::tempdir().expect("t");
    let db = dir.path().join("k.db");
    let t = std::time::Instant::now();
    kuvert::demo::ensure_demo_db(&db, false, "tester").expect("demo");
    eprintln!("demo {:?}", t.elapsed());
    let store = Store::open(&db).expect("open");
    let mut wf = Workflow::new(store, Config::default(), Lang::En, dir.path().join("out"));
    for u in ["handlaggare1", "handlaggare3"] {
        let s = wf.session(Some(u), "t", SessionKind::Cli).expect("s");
        for c in wf.list_cases(&s).expect("l") {
            let d = wf.show_case(&s, &c.case).expect("d");
            let ps: Vec<String> = d.parties.iter().map(|p| format!("{}:{}{}", p.id, p.role, if p.protected {"*"} else {""})).collect();
            let ds: Vec<String> = d.documents.iter().map(|x| format!("{}@{}p{}", x.id, x.subject, x.pages)).collect();
            eprintln!("{} {} {:?} {:?}", c.case, c.team, ps, ds);
        }
    }
    eprintln!("total {:?}", t.elapsed());
}
