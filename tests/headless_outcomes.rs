//! `rolo update` (the real binary) against the hostile server: each outcome of a write has its
//! words on standard error and its exit code (0 stored, 2 not stored, 3 unknown), and running
//! the same command again after an unknown outcome checks first and sends nothing when the
//! values are there.

mod common;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use common::hostile::{Hostile, Reply, Request};

const TOKEN: &str = "outcome-secret-41c7";

fn record(city: &str) -> Value {
    json!({"id": 7, "first_name": "Renée", "last_name": "Côté", "email": "renee@example.ca",
           "country": "CA", "address": "1 rue", "city": city, "state": "QC", "zip_code": "H2X",
           "type": "employee", "updated_at": "2024-06-01T12:30:00Z"})
}

type Stored = Arc<Mutex<Value>>;

/// A Corporate Merch API holding contact 7; writes go to `on_write`.
async fn vendor(on_write: impl FnMut(&Request, &mut Value) -> Reply + Send + 'static) -> (Hostile, Stored) {
    let stored: Stored = Arc::new(Mutex::new(record("Montréal")));
    let held = Arc::clone(&stored);
    let mut on_write = on_write;
    let server = Hostile::start(move |request| {
        let mut record = held.lock().unwrap();
        if request.is_write() {
            return on_write(request, &mut record);
        }
        Reply::json(200, &json!({"data": record.clone()}))
    })
    .await;
    (server, stored)
}

fn apply(request: &Request, record: &mut Value) {
    for (key, value) in request.json().expect("a JSON body").as_object().unwrap() {
        record[key] = value.clone();
    }
    record["updated_at"] = json!("2024-06-02T08:00:00Z");
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `rolo update 7 city=Québec` through a profile pointing at `server` (time limit 1 s).
async fn update(server: &Hostile) -> Run {
    update_at(&server.url("")).await
}

/// [`update`] against any base URL.
async fn update_at(url: &str) -> Run {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let profile = format!(
        "default_profile = \"t\"\n[profiles.t]\nbackend = \"corporatemerch\"\nbase_url = \"{url}\"\n\
         secret_env = \"ROLO_TEST_TOKEN\"\ntimeout_secs = 1\n"
    );
    std::fs::write(&config, profile).unwrap();
    let mut permissions = std::fs::metadata(&config).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o600);
    std::fs::set_permissions(&config, permissions).unwrap();
    // The binary blocks this thread; the server answers on the runtime's other worker.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rolo"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("ROLO_TEST_TOKEN", TOKEN)
            .arg("--config")
            .arg(&config)
            .args(["update", "7", "city=Québec"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains(TOKEN) && !run.stdout.contains(TOKEN), "the secret leaked: {}", run.stderr);
    run
}

const MAY: &str = "; the change may have been applied. The same command again fetches the contact first and \
                   sends nothing if the values are there\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_after_the_put_exits_3_and_running_again_finds_it_already_stored() {
    let (server, stored) = vendor(|request, record| {
        apply(request, record);
        Reply::Reset
    })
    .await;
    let run = update(&server).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.starts_with("rolo: Unknown whether stored: The connection broke after the request was sent ("));
    assert!(run.stderr.ends_with(MAY), "{}", run.stderr);
    assert_eq!(run.stdout, "", "nothing on standard output");
    assert_eq!(stored.lock().unwrap()["city"], "Québec");

    let again = update(&server).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stderr, "rolo: Already stored: the server has these values; nothing was sent (contact 7)\n");
    assert_eq!(again.stdout, "City: Québec\n");
    assert_eq!(server.writes().len(), 1, "the second run sent nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_body_a_hang_and_another_contact_exit_3() {
    let cut = Reply::CutBody { status: 200, body: br#"{"data": {"id""#.to_vec(), promised: 300 };
    let (server, _) = vendor(move |_, _| cut.clone()).await;
    let run = update(&server).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.starts_with("rolo: Unknown whether stored: The connection broke after the request was sent ("));
    assert!(run.stderr.ends_with(MAY), "{}", run.stderr);

    server.set(
        |request| {
            if request.is_write() { Reply::Hang } else { Reply::json(200, &json!({"data": record("Montréal")})) }
        },
    );
    let run = update(&server).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.stderr, format!("rolo: Unknown whether stored: No answer within 1.0 s{MAY}"));

    server.set(|request| {
        let mut other = record("Québec");
        if request.is_write() {
            other["id"] = json!(8);
        }
        Reply::json(200, &json!({"data": if request.is_write() { other } else { record("Montréal") }}))
    });
    let run = update(&server).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.stderr, format!("rolo: Unknown whether stored: the server answered with contact 8, not 7{MAY}"));
    assert_eq!(run.stdout, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_204_is_judged_by_a_fresh_get_and_exits_0() {
    let (server, _) = vendor(|request, record| {
        apply(request, record);
        Reply::raw(204, "", "")
    })
    .await;
    let run = update(&server).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "City: Québec\n");
    assert_eq!(run.stderr, "");
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "PUT", "GET"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2xx_that_kept_the_old_value_exits_0_with_a_warning() {
    let (server, _) = vendor(|_, record| Reply::json(200, &json!({"data": record.clone()}))).await;
    let run = update(&server).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "rolo: warning: 1 field was stored differently from what was sent\ncity: sent “Québec”, stored “Montréal”\n"
    );
    assert_eq!(run.stdout, "City: Montréal\n", "what the server has");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_422_and_a_500_exit_2_as_not_stored() {
    let refusal = json!({"message": "The city is not served.", "errors": {"city": ["We do not ship to Québec."]}});
    let (server, stored) = vendor(move |_, _| Reply::json(422, &refusal)).await;
    let run = update(&server).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "rolo: Not stored: 422: the server refused the values — The city is not served.\ncity: We do not ship to Québec.\n"
    );
    assert_eq!(run.stdout, "");

    let held = Arc::clone(&stored);
    server.set(move |request| {
        if request.is_write() {
            Reply::json(500, &json!({"message": "Database on fire"}))
        } else {
            Reply::json(200, &json!({"data": held.lock().unwrap().clone()}))
        }
    });
    let run = update(&server).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr, "rolo: Not stored: 500: server error: retry later — Database on fire\n");
    assert_eq!(stored.lock().unwrap()["city"], "Montréal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_exits_2_and_says_nothing_of_a_change() {
    let server = Hostile::start(|_| Reply::Close).await;
    let url = server.url("");
    drop(server);
    let address = url.trim_start_matches("http://").to_string();
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(&address).await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let run = update_at(&url).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.starts_with("rolo: Could not connect: "), "{}", run.stderr);
    assert!(!run.stderr.contains("may"), "{}", run.stderr);
}
