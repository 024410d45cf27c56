//! A crash while a token set is written: a child process (this test binary, in
//! writer mode) replaces the stored token set as fast as it can, as a refresh does,
//! and is killed with SIGKILL at random moments. The set read back must be whole
//! (it decodes, sealed or not, its access and refresh tokens belong together) and no
//! older than the last write the child saw succeed. On SQLite and PostgreSQL, in the
//! clear and sealed.

mod common;

use espi_client::{Grant, Secret, TokenKey, TokenSet, TokenStore};
use espi_store::{Store, StoreOptions, TokenCipher};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const WRITER: &str = "ESPI_TOKEN_WRITER_STORE";
const SEALED: &str = "ESPI_TOKEN_WRITER_SEALED";
const KEY: &str = "https://dc.example/DataCustodian/espi/1_1/resource/Authorization/1";

fn options(sealed: bool) -> StoreOptions {
    let options = StoreOptions::new();
    if sealed {
        options.with_token_cipher(TokenCipher::from_hex(&"3c".repeat(32)).expect("a key"))
    } else {
        options
    }
}

fn tokens(generation: u64) -> TokenSet {
    let mut tokens = TokenSet::new(
        Secret::new(format!("access-{generation}")),
        Grant::AuthorizationCode,
        1_000,
    );
    tokens.refresh_token = Some(Secret::new(format!("refresh-{generation}")));
    tokens.expires_at = Some(4_600);
    tokens.obtained_at = i64::try_from(generation).unwrap_or(i64::MAX);
    tokens.resource_uri =
        Some("https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/1".to_owned());
    tokens
}

/// The writer: not a test of its own (it returns at once without its variable).
#[tokio::test]
async fn token_writer_child() {
    let Ok(location) = std::env::var(WRITER) else {
        return;
    };
    let sealed = std::env::var(SEALED).is_ok();
    let store = Store::open_with(&location, options(sealed))
        .await
        .expect("the store opens");
    let key = TokenKey::new(KEY);
    for generation in 1.. {
        store.put(&key, tokens(generation)).await.expect("put");
        // Said only once the store has it.
        println!("wrote {generation}");
    }
}

/// Kills writers at random moments and checks what they left.
async fn kill_writers(location: &str, sealed: bool) {
    let mut seed: u64 = 0x5EED ^ u64::from(sealed);
    for round in 0..12 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let wait = Duration::from_micros(2_000 + (seed >> 33) % 60_000);
        let mut command = tokio::process::Command::new(std::env::current_exe().expect("this test"));
        command
            .args([
                "token_writer_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER, location)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        if sealed {
            command.env(SEALED, "1");
        }
        let mut child = command.spawn().expect("the writer starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let mut last_seen = 0u64;
        // The first write, then a random moment.
        while last_seen == 0 {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .expect("the writer writes")
                .expect("stdout")
                .expect("a line");
            if let Some(number) = line.strip_prefix("wrote ") {
                last_seen = number.parse().expect("a number");
            }
        }
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Ok(Some(line))) = tokio::time::timeout_at(deadline, lines.next_line()).await {
            if let Some(number) = line.strip_prefix("wrote ") {
                last_seen = number.parse().expect("a number");
            }
        }
        child.kill().await.expect("SIGKILL");
        // Lines already written before the kill.
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(number) = line.strip_prefix("wrote ") {
                last_seen = number.parse().expect("a number");
            }
        }
        let store = Store::open_with(location, options(sealed))
            .await
            .expect("reopens");
        let stored = store
            .get(&TokenKey::new(KEY))
            .await
            .expect("the token set reads back")
            .expect("a token set");
        let generation = u64::try_from(stored.obtained_at).expect("a generation");
        assert_eq!(stored.access_token.expose(), format!("access-{generation}"));
        assert_eq!(
            stored.refresh_token.as_ref().map(Secret::expose),
            Some(format!("refresh-{generation}").as_str())
        );
        assert!(
            generation == last_seen || generation == last_seen + 1,
            "round {round}: stored generation {generation}, last write acknowledged {last_seen}"
        );
        eprintln!("killed after {last_seen} acknowledged writes; generation {generation} stored");
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_write_killed_midway_leaves_the_old_or_the_new_set_on_sqlite() {
    for sealed in [false, true] {
        let directory = tempfile::tempdir().expect("a directory");
        let location = directory.path().join("tokens.sqlite").display().to_string();
        kill_writers(&location, sealed).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_write_killed_midway_leaves_the_old_or_the_new_set_on_postgres() {
    let Some(admin) = common::postgres_url() else {
        return;
    };
    for sealed in [false, true] {
        let (location, name) = common::fresh_database(&admin).await;
        kill_writers(&location, sealed).await;
        common::drop_database(&admin, &name).await;
    }
}
