//! The headless commands (`list`, `get`, `update`, `render`, `completions`, `man`), run as the
//! real binary against an in-process sandbox over loopback, through a config profile.

use std::path::PathBuf;
use std::process::{Command, Output};

use rolo::sandbox::{self, Fault, Sandbox, SandboxOptions, Storage};
use serde_json::Value;

const TOKEN: &str = "headless-secret-9b27e1";
const CM: &str = "corporatemerch";

/// A sandbox on its own runtime, isolated XDG directories, and a config with two profiles
/// (`t`, and the read-only `ro`).
struct Env {
    home: tempfile::TempDir,
    config: PathBuf,
    server: Sandbox,
    _runtime: tokio::runtime::Runtime,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Env {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime
            .block_on(sandbox::start(SandboxOptions {
                storage: Storage::Memory,
                port: 0,
                token: TOKEN.into(),
                contacts: None,
            }))
            .expect("sandbox starts");
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config.toml");
        let url = server.base_url(CM);
        let profile = |name: &str, extra: &str| {
            format!(
                "[profiles.{name}]\nbackend = \"{CM}\"\nbase_url = \"{url}\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n{extra}\n"
            )
        };
        let text = format!("default_profile = \"t\"\n\n{}\n{}", profile("t", ""), profile("ro", "read_only = true"));
        std::fs::write(&config, text).unwrap();
        Self { home, config, server, _runtime: runtime }
    }

    /// Runs `rolo --config … --profile t ARGS`; the secret must appear in no output.
    fn rolo(&self, args: &[&str]) -> Run {
        self.run_with(&["--profile", "t"], args)
    }

    fn run_with(&self, before: &[&str], args: &[&str]) -> Run {
        let home = self.home.path();
        let output: Output = Command::new(env!("CARGO_BIN_EXE_rolo"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("ROLO_TEST_TOKEN", TOKEN)
            .arg("--config")
            .arg(&self.config)
            .args(before)
            .args(args)
            .output()
            .unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN), "the secret leaked: {}", run.both());
        run
    }

    fn json(&self, args: &[&str]) -> Value {
        let run = self.rolo(args);
        assert_eq!(run.code, 0, "{}", run.both());
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
    }

    /// The first contact in the list.
    fn first(&self) -> (String, Value) {
        let list = self.json(&["list", "--json", "--limit", "1"]);
        let id = list[0]["id"].as_str().unwrap().to_string();
        let stored = self.server.record(CM, &id).unwrap();
        (id, stored)
    }
}

impl Run {
    fn both(&self) -> String {
        format!("exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

#[test]
fn list_prints_a_table_csv_and_json_across_pages() {
    let env = Env::new();
    let table = env.rolo(&["list"]);
    assert_eq!(table.code, 0, "{}", table.both());
    let header = table.stdout.lines().next().unwrap();
    assert!(header.starts_with("ID") && header.contains("Name") && header.contains("Email"), "{header}");
    assert_eq!(table.stdout.lines().count(), 1 + sandbox_size(&env), "every page is fetched");

    let all = env.json(&["list", "--json"]);
    let items = all.as_array().unwrap();
    assert!(items.iter().all(|i| i["id"].is_string() && i["record"].is_object() && i["columns"]["Email"].is_string()));

    // The sandbox pages by 100: 150 needs two pages, and no contact twice.
    let limited = env.json(&["list", "--json", "--limit", "150"]);
    let ids: std::collections::HashSet<&str> =
        limited.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 150);

    let csv = env.rolo(&["list", "--csv", "--limit", "3"]);
    assert_eq!(csv.code, 0, "{}", csv.both());
    assert!(csv.stdout.starts_with("ID,Name,Email,"), "{}", csv.stdout);
    assert_eq!(csv.stdout.matches("\r\n").count(), 4, "a header and three rows, CRLF: {:?}", csv.stdout);
}

fn sandbox_size(env: &Env) -> usize {
    env.json(&["list", "--json"]).as_array().unwrap().len()
}

#[test]
fn list_filter_finds_a_contact_by_its_email() {
    let env = Env::new();
    let (id, stored) = env.first();
    let email = stored["email"].as_str().unwrap();
    let found = env.json(&["list", "--json", "--filter", email]);
    assert_eq!(found[0]["id"].as_str(), Some(id.as_str()), "the best match comes first");
    assert!(found.as_array().unwrap().len() < sandbox_size(&env));
}

#[test]
fn get_prints_the_record_as_stored_or_as_labelled_lines() {
    let env = Env::new();
    let (id, stored) = env.first();
    assert_eq!(env.json(&["get", &id, "--json"]), stored);
    let text = env.rolo(&["get", &id]);
    assert_eq!(text.code, 0, "{}", text.both());
    let email = format!("Email: {}", stored["email"].as_str().unwrap());
    assert!(text.stdout.lines().any(|l| l == email), "{}", text.stdout);

    let missing = env.rolo(&["get", "no-such-contact-000"]);
    assert_eq!(missing.code, 2, "{}", missing.both());
    assert!(missing.stderr.contains("404"), "{}", missing.both());
}

#[test]
fn update_stores_the_change_and_prints_what_the_server_kept() {
    let env = Env::new();
    let (id, before) = env.first();
    let run = env.rolo(&["update", &id, "first_name=Zebedee", "Shirt size=XL"]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stdout.contains("First name: Zebedee") && run.stdout.contains("Shirt size: XL"), "{}", run.both());
    assert!(!run.stdout.contains("Email:"), "only the changed fields: {}", run.stdout);
    let after = env.server.record(CM, &id).unwrap();
    assert_eq!(after["first_name"], "Zebedee");
    assert_eq!(after["shirt_size"], "XL");
    assert_eq!(after["email"], before["email"]);

    let json = env.json(&["update", &id, "first_name=Ada", "--json"]);
    assert_eq!(json["first_name"], "Ada");
}

#[test]
fn an_invalid_value_is_refused_per_field_and_nothing_is_sent() {
    let env = Env::new();
    let (id, before) = env.first();
    let run = env.rolo(&["update", &id, "email=not-an-address", "shirt_size=XXXL"]);
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(run.stderr.lines().any(|l| l.starts_with("email: ") && l.contains("email address")), "{}", run.both());
    assert!(run.stderr.lines().any(|l| l.starts_with("shirt_size: ") && l.contains("XS")), "{}", run.both());
    assert!(run.stdout.is_empty());
    assert_eq!(env.server.record(CM, &id).unwrap(), before);

    let unknown = env.rolo(&["update", &id, "favourite_colour=blue"]);
    assert_eq!(unknown.code, 1, "{}", unknown.both());
    assert!(unknown.stderr.contains("favourite_colour") && unknown.stderr.contains("shirt_size"), "{}", unknown.both());
}

#[test]
fn a_dry_run_prints_the_request_and_sends_nothing() {
    let env = Env::new();
    let (id, before) = env.first();
    let run = env.rolo(&["update", &id, "city=Ghent", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.both());
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(first, format!("PUT {}/contacts/{id}", env.server.base_url(CM)), "{}", run.stdout);
    let body: Value = serde_json::from_str(run.stdout.split_once('\n').unwrap().1).unwrap();
    assert_eq!(body["city"], "Ghent");
    assert_eq!(env.server.record(CM, &id).unwrap(), before);

    let json = env.json(&["update", &id, "city=Ghent", "--dry-run", "--json"]);
    assert_eq!(json["method"], "PUT");
    assert_eq!(json["body"]["city"], "Ghent");
}

#[test]
fn server_errors_exit_2_with_the_servers_message() {
    let env = Env::new();
    let (id, before) = env.first();
    let fault = |only_writes| Fault {
        status: 500,
        body: r#"{"message":"Database on fire"}"#.into(),
        content_type: "application/json".into(),
        only_writes,
        ..Default::default()
    };
    env.server.set_fault(Some(fault(true)));
    let run = env.rolo(&["update", &id, "city=Ghent"]);
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(run.stderr.contains("500") && run.stderr.contains("Database on fire"), "{}", run.both());
    assert_eq!(env.server.record(CM, &id).unwrap(), before);

    env.server.set_fault(Some(Fault {
        status: 422,
        body: r#"{"message":"The given data was invalid.","errors":{"city":["The city is closed."]}}"#.into(),
        only_writes: true,
        ..fault(true)
    }));
    let refused = env.rolo(&["update", &id, "city=Ghent"]);
    assert_eq!(refused.code, 2, "{}", refused.both());
    assert!(refused.stderr.lines().any(|l| l == "city: The city is closed."), "{}", refused.both());

    env.server.set_fault(Some(fault(false)));
    let list = env.rolo(&["list"]);
    assert_eq!(list.code, 2, "{}", list.both());
    assert!(list.stdout.is_empty() && list.stderr.contains("500"), "{}", list.both());
}

#[test]
fn a_read_only_profile_refuses_to_update_but_allows_a_dry_run() {
    let env = Env::new();
    let (id, before) = env.first();
    for before_args in [&["--profile", "ro"][..], &["--profile", "t", "--read-only"][..]] {
        let run = env.run_with(before_args, &["update", &id, "city=Ghent"]);
        assert_eq!(run.code, 1, "{}", run.both());
        assert!(run.stderr.contains("read-only"), "{}", run.both());
        assert_eq!(env.server.record(CM, &id).unwrap(), before);
    }
    let dry = env.run_with(&["--profile", "ro"], &["update", &id, "city=Ghent", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.both());
}

#[test]
fn render_draws_the_same_screens_every_time() {
    let env = Env::new();
    let (id, stored) = env.first();
    let list = env.rolo(&["render", "--screen", "list", "--size", "120x40"]);
    assert_eq!(list.code, 0, "{}", list.both());
    assert_eq!(list.stdout.lines().count(), 40);
    assert!(list.stdout.lines().all(|l| l.chars().count() <= 120 && l == l.trim_end()));
    assert!(list.stdout.contains("Name") && list.stdout.contains("Email"), "{}", list.stdout);
    assert!(!list.stdout.contains(" ms"), "no latency: {}", list.stdout);
    let again = env.rolo(&["render", "--screen", "list", "--size", "120x40"]);
    assert_eq!(list.stdout, again.stdout, "deterministic");

    let form = env.rolo(&["render", "--screen", &format!("form:{id}"), "--size", "100x30"]);
    assert_eq!(form.code, 0, "{}", form.both());
    assert!(form.stdout.contains(stored["email"].as_str().unwrap()), "{}", form.stdout);
    assert!(form.stdout.contains("Shirt size"), "{}", form.stdout);

    let help = env.rolo(&["render", "--screen", "help"]);
    assert_eq!(help.code, 0, "{}", help.both());
    assert!(help.stdout.contains("open contact"), "{}", help.stdout);

    let ansi = env.rolo(&["render", "--ansi", "--size", "80x24"]);
    assert_eq!(ansi.code, 0, "{}", ansi.both());
    assert!(ansi.stdout.contains("\x1b[") && ansi.stdout.lines().all(|l| l.ends_with("\x1b[0m")));

    let missing = env.rolo(&["render", "--screen", "form:no-such-contact"]);
    assert_eq!(missing.code, 1, "{}", missing.both());
}

#[test]
fn completions_and_the_man_page() {
    let env = Env::new();
    let bash = env.rolo(&["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.both());
    assert!(bash.stdout.contains("rolo") && bash.stdout.contains("update"), "{}", bash.stdout);
    let man = env.rolo(&["man"]);
    assert_eq!(man.code, 0, "{}", man.both());
    assert!(man.stdout.contains(".TH"), "{}", man.stdout);

    let usage = env.rolo(&["update"]);
    assert_eq!(usage.code, 1, "a usage mistake is the user's input: {}", usage.both());
}

#[test]
fn without_a_config_the_embedded_sandbox_answers_and_config_mistakes_exit_1() {
    let home = tempfile::tempdir().unwrap();
    let rolo = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rolo"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .args(args)
            .output()
            .unwrap()
    };
    let listed = rolo(&["list", "--sandbox", "bird", "--json", "--limit", "3"]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let items: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 3);

    let config = home.path().join("bad.toml");
    std::fs::write(&config, "[profiles.x]\nbackend = \"corporatemerch\"\nsecret_envv = \"T\"\n").unwrap();
    let bad = rolo(&["--config", config.to_str().unwrap(), "get", "1"]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.starts_with("rolo: ") && stderr.contains(&format!("{}:3:", config.display())), "{stderr}");
}
