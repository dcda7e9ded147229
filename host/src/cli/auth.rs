//! `wafer auth ...`: the helpers for the files of `[auth]`: password and
//! client-secret hashes, API keys, and test tokens.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use wafer_host::auth::token::TokenEndpoint;
use wafer_host::auth::{hash_api_key, hash_secret};
use wafer_host::manifest::Manifest;

/// What `wafer auth` can do.
#[derive(Subcommand)]
pub(crate) enum AuthCommand {
    /// Hash a password or client secret (read from standard input) with
    /// argon2id, for `password_hash` in a users file or `secret_hash` in a
    /// clients file.
    HashPassword,
    /// Make a new random API key: prints the key (give it to its holder) and
    /// the entry for the API key file, which holds only its SHA-256.
    ApiKey {
        /// The key's name: the identity's `sub`.
        #[arg(long)]
        name: String,
        /// Scopes the key grants, comma-separated.
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
    },
    /// Sign a token as the manifest's token endpoint would, for tests and
    /// scripts. The endpoint must have a `key` (a random per-process key would
    /// not outlive this command).
    Token {
        /// The manifest with [auth.token_endpoint].
        manifest: PathBuf,
        /// The token's `sub`.
        #[arg(long)]
        subject: String,
        /// Scopes the token grants, comma-separated.
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
    },
}

/// Runs one `wafer auth` command.
pub(crate) fn run(command: AuthCommand) -> anyhow::Result<()> {
    match command {
        AuthCommand::HashPassword => {
            if std::io::stdin().is_terminal() {
                eprintln!("type the password, then Enter:");
            }
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            if password.is_empty() {
                bail!("empty password: write it to standard input");
            }
            println!("{}", hash_secret(password).map_err(anyhow::Error::msg)?);
        }
        AuthCommand::ApiKey { name, scopes } => {
            let key = format!("wk_{}", wafer_host::auth::random_key()?);
            println!("key: {key}");
            println!();
            println!("[[key]]");
            println!("name = {}", toml_string(&name));
            println!("sha256 = \"{}\"", hash_api_key(&key));
            println!(
                "scopes = [{}]",
                scopes
                    .iter()
                    .map(|scope| toml_string(scope))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        AuthCommand::Token {
            manifest,
            subject,
            scopes,
        } => {
            let loaded = Manifest::load(&manifest)?;
            let Some(settings) = &loaded.auth.token_endpoint else {
                bail!(
                    "{}: there is no [auth.token_endpoint] to sign as",
                    manifest.display()
                );
            };
            if settings.key.is_none() {
                bail!(
                    "{}: `auth.token_endpoint.key` is not set, so the host signs with a random \
                     key of its own that no other process knows: set `key` to mint tokens here",
                    manifest.display()
                );
            }
            let endpoint = TokenEndpoint::from_settings(settings)?;
            println!(
                "{}",
                endpoint
                    .mint(&subject, &scopes)
                    .map_err(anyhow::Error::msg)?
            );
        }
    }
    Ok(())
}

fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}
