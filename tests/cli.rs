//! The command line outside the UI: config mistakes and the sandbox's own commands.

use std::process::Command;

fn rolo(home: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rolo"));
    command.env("XDG_CONFIG_HOME", home.join("config")).env("XDG_DATA_HOME", home.join("data"));
    command
}

#[test]
fn a_bad_config_names_the_file_and_line_and_exits_non_zero() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "default_profile = \"acme\"\n\n[profiles.acme]\nbackend = \"corporatemerch\"\nsecret_envv = \"CM\"\n",
    )
    .unwrap();
    let output = rolo(home.path()).arg("--config").arg(&config).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:5:", config.display())), "{stderr}");
    assert!(stderr.contains("secret_envv"), "{stderr}");
}

#[test]
fn a_missing_secret_says_which_variable_without_starting_the_ui() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[profiles.acme]\nbackend = \"corporatemerch\"\nsecret_env = \"ROLO_TEST_UNSET_TOKEN\"\n")
        .unwrap();
    let output = rolo(home.path()).arg("--config").arg(&config).env_remove("ROLO_TEST_UNSET_TOKEN").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ROLO_TEST_UNSET_TOKEN") && stderr.contains("not set"), "{stderr}");
}

#[test]
fn sandbox_reset_reseeds_the_database() {
    let home = tempfile::tempdir().unwrap();
    let output = rolo(home.path()).args(["sandbox", "--reset"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Sandbox reset"));
    let database = home.path().join("data/rolo/sandbox.sqlite3");
    assert!(database.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&database), 0o600, "the sandbox database is the owner's alone");
        assert_eq!(mode(database.parent().unwrap()), 0o700);
    }
}

#[test]
fn a_bad_key_or_colour_in_the_config_names_the_line_before_the_ui_starts() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[ui]\npreview_before_send = true\n\n[keys]\n\"form.save\" = \"hyper-s\"\n").unwrap();
    let output = rolo(home.path()).arg("--config").arg(&config).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:5: [keys]", config.display())), "{stderr}");
    assert!(stderr.contains("unknown modifier `hyper`"), "{stderr}");

    std::fs::write(&config, "[keys]\nsave = \"ctrl-r\"\n").unwrap();
    let stderr =
        String::from_utf8_lossy(&rolo(home.path()).arg("--config").arg(&config).output().unwrap().stderr).into_owned();
    assert!(stderr.contains(":2: [keys] Ctrl-R is bound to both"), "{stderr}");

    std::fs::write(&config, "[theme]\nerror = \"plaid\"\n").unwrap();
    let stderr =
        String::from_utf8_lossy(&rolo(home.path()).arg("--config").arg(&config).output().unwrap().stderr).into_owned();
    assert!(stderr.contains(":2: [theme] error: `plaid` is not a colour"), "{stderr}");
}

/// Runs `rolo ARGS` with `config` as the config file; its exit code and stderr.
fn refused(home: &std::path::Path, config: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let mut command = rolo(home);
    command.arg("--config").arg(config).args(args).env("ROLO_TEST_TOKEN", "t");
    // A hang (reading a FIFO) must fail the test, not block it.
    let mut child = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("rolo hung on {}", config.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_config_that_is_a_fifo_a_device_a_directory_or_huge_is_refused_with_its_path() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("fifo.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let huge = home.path().join("huge.toml");
    std::fs::write(&huge, format!("# {}\n", "x".repeat(2 * 1024 * 1024))).unwrap();
    let cases = [
        (fifo.clone(), "a FIFO"),
        (std::path::PathBuf::from("/dev/zero"), "a character device"),
        (home.path().to_path_buf(), "a directory"),
        (huge, "larger than 1 MiB"),
    ];
    for (path, why) in cases {
        for args in [&[][..], &["list"][..]] {
            let (code, stderr) = refused(home.path(), &path, args);
            assert_eq!(code, Some(1), "{}: {stderr}", path.display());
            assert!(stderr.contains(&path.display().to_string()) && stderr.contains(why), "{stderr}");
        }
    }
}

#[test]
fn a_backend_file_that_is_a_fifo_a_directory_or_huge_is_refused_with_its_path() {
    let home = tempfile::tempdir().unwrap();
    let backends = home.path().join("config/rolo/backends");
    std::fs::create_dir_all(&backends).unwrap();
    let fifo = backends.join("piped.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::create_dir(backends.join("folder.toml")).unwrap();
    std::fs::write(backends.join("huge.toml"), format!("# {}\n", "x".repeat(2 * 1024 * 1024))).unwrap();
    let config = home.path().join("config.toml");
    for (backend, why) in [
        ("piped", "a FIFO"),
        ("folder", "a directory"),
        ("huge", "larger than 1 MiB"),
        ("/dev/zero", "a character device"),
    ] {
        std::fs::write(
            &config,
            format!("[profiles.p]\nbackend = \"{backend}\"\nbase_url = \"http://127.0.0.1:9\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n"),
        )
        .unwrap();
        let (code, stderr) = refused(home.path(), &config, &["--profile", "p", "list"]);
        assert_eq!(code, Some(1), "{backend}: {stderr}");
        assert!(stderr.contains(why), "{backend}: {stderr}");
        if !backend.starts_with('/') {
            assert!(stderr.contains(&backends.join(format!("{backend}.toml")).display().to_string()), "{stderr}");
        }
    }
    // `rolo backends` lists them with the reason, and does not hang on the FIFO.
    let (code, stderr) = refused(home.path(), &config, &["backends"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_secret_file_that_is_a_fifo_is_refused_not_waited_on() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("token");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.p]\nbackend = \"corporatemerch\"\nbase_url = \"http://127.0.0.1:9\"\nsecret_file = \"{}\"\n",
            fifo.display()
        ),
    )
    .unwrap();
    let (code, stderr) = refused(home.path(), &config, &["--profile", "p", "list"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&fifo.display().to_string()) && stderr.contains("a FIFO"), "{stderr}");
}

#[test]
fn import_writes_a_backend_file_and_lists_its_guesses_on_stderr() {
    let home = tempfile::tempdir().unwrap();
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/openapi/informly.yaml");
    let out = home.path().join("informly.toml");
    let output = rolo(home.path()).args(["import", spec, "--out"]).arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("backend `informly` with 11 fields"), "{stderr}");
    assert!(stderr.contains("guessed: field `segmentIds`: read from `segments[].segmentId`"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("# guessed: read from `segments[].segmentId`"), "{text}");
    rolo::backend::load_file(&out).unwrap();
    let again = rolo(home.path()).args(["import", spec, "--out"]).arg(&out).output().unwrap();
    assert_eq!(again.status.code(), Some(1), "an existing file is not overwritten");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);

    let other = home.path().join("other.json");
    std::fs::write(&other, r#"{"asyncapi": "2.6.0"}"#).unwrap();
    let output = rolo(home.path()).args(["import"]).arg(&other).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an OpenAPI description"));
}

#[test]
fn rolo_backends_lists_the_files_profiles_name_by_path() {
    let home = tempfile::tempdir().unwrap();
    let (_, corporatemerch) = rolo::backend::BUILT_IN[0];
    let acme = home.path().join("vendors/acme.toml");
    std::fs::create_dir_all(acme.parent().unwrap()).unwrap();
    std::fs::write(&acme, corporatemerch.replacen("name = \"corporatemerch\"", "name = \"acme\"", 1)).unwrap();
    let broken = home.path().join("vendors/broken.toml");
    std::fs::write(&broken, corporatemerch.replacen("label = \"First name\"", "lable = \"First name\"", 1)).unwrap();
    let config = home.path().join("config.toml");
    let profile = |name: &str, path: &std::path::Path| {
        format!("[profiles.{name}]\nbackend = \"{}\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n", path.display())
    };
    let text = [profile("work", &acme), profile("home", &acme), profile("old", &broken)].concat();
    std::fs::write(&config, text + "[profiles.cm]\nbackend = \"corporatemerch\"\n").unwrap();

    let output = rolo(home.path()).arg("--config").arg(&config).arg("backends").output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find(|l| l.contains(&acme.display().to_string())).unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.starts_with("acme ") && line.contains("Corporate Merch") && line.ends_with("(profiles home, work)"));
    let at = stdout.find(&broken.display().to_string()).unwrap_or_else(|| panic!("{stdout}"));
    assert!(stdout[at..].contains("(profile old)\n    error: ") && stdout[at..].contains("lable"), "{stdout}");
    assert_eq!(stdout.matches("corporatemerch").count(), 1, "a profile naming a built-in adds nothing: {stdout}");
}

#[test]
fn contacts_n_seeds_a_file_per_vendor_once_whose_last_contact_saves() {
    let home = tempfile::tempdir().unwrap();
    let run = |dialect: &str, args: &[&str]| {
        let output = rolo(home.path()).args(["--sandbox", dialect, "--contacts", "400"]).args(args).output().unwrap();
        assert!(output.status.success(), "{dialect} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    for dialect in rolo::sandbox::dialects().iter().map(|d| d.name()) {
        let listed = run(dialect, &["list", "--json"]);
        let rows = listed.as_array().unwrap();
        assert_eq!(rows.len(), 400, "{dialect}");
        let database = home.path().join(format!("data/rolo/sandbox-{dialect}-400.sqlite3"));
        assert!(database.is_file(), "{}", database.display());
        // The last one is synthetic; the vendor's own rules take it back with a change.
        let id = rows[399]["id"].as_str().map_or_else(|| rows[399]["id"].to_string(), str::to_owned);
        run(dialect, &["update", &id, "First name=Zoë", "--json"]);
        // The file is reused, edits and all.
        let stored = run(dialect, &["get", &id, "--json"]).to_string();
        assert!(stored.contains("Zoë"), "{dialect}: {stored}");
    }
    assert!(!home.path().join("data/rolo/sandbox.sqlite3").exists(), "the standard sandbox is left alone");
}

#[test]
fn contacts_n_with_sandbox_reset_without_a_config_and_with_a_profile() {
    let home = tempfile::tempdir().unwrap();
    let output = rolo(home.path()).args(["sandbox", "--contacts", "300", "--reset"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let database = home.path().join("data/rolo/sandbox-300.sqlite3");
    assert!(String::from_utf8_lossy(&output.stdout).contains(&database.display().to_string()));
    let store = rusqlite::Connection::open(&database).unwrap();
    let counts: Vec<(String, i64)> = store
        .prepare("SELECT dialect, COUNT(*) FROM contacts GROUP BY dialect ORDER BY dialect")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(counts.len(), rolo::sandbox::dialects().len());
    assert!(counts.iter().all(|(_, n)| *n == 300), "{counts:?}");

    // Without a config, --contacts alone is the default vendor's sandbox.
    let output = rolo(home.path()).args(["--contacts", "270", "list", "--csv"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 271, "a heading and 270 rows");
    assert!(home.path().join("data/rolo/sandbox-corporatemerch-270.sqlite3").is_file());

    let config = home.path().join("config.toml");
    std::fs::write(&config, "[profiles.acme]\nbackend = \"corporatemerch\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n")
        .unwrap();
    let (code, stderr) = refused(home.path(), &config, &["--contacts", "10", "list"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--contacts seeds the sandbox") && stderr.contains("acme"), "{stderr}");
}

#[test]
fn index_status_refresh_and_clear_for_the_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = rolo(home.path()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{args:?}: {stderr}");
        (String::from_utf8_lossy(&output.stdout).into_owned(), stderr)
    };
    let file = home.path().join("data/rolo/index/sandbox-corporatemerch.sqlite3");
    let (status, _) = run(&["index", "status"]);
    assert!(status.contains("none yet") && status.contains("rows: 0"), "{status}");

    let (_, progress) = run(&["index", "refresh"]);
    assert!(progress.contains("260 contacts written"), "{progress}");
    let (status, _) = run(&["index", "status"]);
    assert!(status.contains(&format!("file: {}", file.display())), "{status}");
    assert!(status.contains("rows: 260") && status.contains("complete: yes"), "{status}");
    assert!(status.contains("embedded sandbox (corporatemerch)") && !status.contains("never"), "{status}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    let (cleared, _) = run(&["index", "clear"]);
    assert!(cleared.contains("removed"), "{cleared}");
    assert!(!file.exists());
    let (status, _) = run(&["index", "status"]);
    assert!(status.contains("none yet"), "{status}");
}

#[test]
fn a_few_thousand_contacts_stream_out_in_order_and_a_filter_asks_the_server_that_searches() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = rolo(home.path()).args(["--sandbox", "findly", "--contacts", "3000", "list"]).args(args).output();
        let output = output.unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap().as_array().unwrap().clone()
    };
    let all = run(&["--json"]);
    let ids: Vec<u64> = all.iter().map(|item| item["id"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(ids, (1..=3000).collect::<Vec<u64>>(), "every contact once, in the server's order");

    // The sandbox's Findly searches its list (`?q=`): the filter is its substring match.
    let email = all[2989]["record"]["email"].as_str().unwrap().to_string();
    let found = run(&["--json", "--filter", &email]);
    assert!(found.iter().any(|item| item["id"] == "2990"), "{found:?}");
    assert!(found.iter().all(|item| item["record"]["email"].as_str().unwrap().contains(&email)), "{found:?}");
}
