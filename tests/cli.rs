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
