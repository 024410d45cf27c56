//! Tokens and authorizations: [`TokenStore`] for [`Store`], and the end of an
//! authorization ([`Store::end_authorization`]).
//!
//! A token set is one row of `tokens`, under the authorization row of its key; a put
//! is one transaction (the authorization, the subscription its `resourceURI` names,
//! the token row), so a crash leaves the old set or the new one, never neither.

use crate::commit::origin_of;
use crate::error::Error;
use crate::store::{Pool, Store, on_pool};
use espi_client::{
    Grant, GrantedScope, RefreshLock, Secret, StoreError, TokenKey, TokenSet, TokenStore,
};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A token set as stored (JSON). Field names are the store's format: keep them.
#[derive(Serialize, Deserialize)]
struct Record {
    access_token: String,
    refresh_token: Option<String>,
    token_type: String,
    expires_at: Option<i64>,
    scope: Option<String>,
    resource_uri: Option<String>,
    authorization_uri: Option<String>,
    customer_resource_uri: Option<String>,
    /// `None` for the authorization-code grant, else the client-credentials scope.
    client_credentials: Option<Option<String>>,
    granted_at: i64,
    obtained_at: i64,
}

impl Record {
    fn of(tokens: &TokenSet) -> Record {
        Record {
            access_token: tokens.access_token.expose().to_owned(),
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
            token_type: tokens.token_type.clone(),
            expires_at: tokens.expires_at,
            scope: tokens.scope.as_deref().map(str::to_owned),
            resource_uri: tokens.resource_uri.clone(),
            authorization_uri: tokens.authorization_uri.clone(),
            customer_resource_uri: tokens.customer_resource_uri.clone(),
            client_credentials: match &tokens.grant {
                Grant::ClientCredentials { scope } => Some(scope.clone()),
                _ => None,
            },
            granted_at: tokens.granted_at,
            obtained_at: tokens.obtained_at,
        }
    }

    fn into_tokens(self) -> TokenSet {
        let grant = match self.client_credentials {
            Some(scope) => Grant::ClientCredentials { scope },
            None => Grant::AuthorizationCode,
        };
        let mut tokens = TokenSet::new(Secret::new(self.access_token), grant, self.granted_at);
        tokens.refresh_token = self.refresh_token.map(Secret::new);
        tokens.token_type = self.token_type;
        tokens.expires_at = self.expires_at;
        tokens.scope = self.scope.map(GrantedScope::new);
        tokens.resource_uri = self.resource_uri;
        tokens.authorization_uri = self.authorization_uri;
        tokens.customer_resource_uri = self.customer_resource_uri;
        tokens.obtained_at = self.obtained_at;
        tokens
    }
}

impl Store {
    /// The stored payload of `tokens` under `key`: sealed when the store has a key.
    fn payload(&self, key: &TokenKey, tokens: &TokenSet) -> Result<(i64, Vec<u8>), Error> {
        let json = serde_json::to_vec(&Record::of(tokens))
            .map_err(|error| Error::Tokens(format!("encoding the token set: {error}")))?;
        match &self.options.token_cipher {
            Some(cipher) => Ok((1, cipher.seal(key.as_str(), &json)?)),
            None => Ok((0, json)),
        }
    }

    fn tokens_of(&self, key: &TokenKey, sealed: i64, payload: &[u8]) -> Result<TokenSet, Error> {
        let json = if sealed == 0 {
            payload.to_vec()
        } else {
            let cipher = self.options.token_cipher.as_ref().ok_or_else(|| {
                Error::Tokens(format!(
                    "the tokens of {key} are sealed; set {} to the key they were sealed with",
                    crate::seal::KEY_VARIABLE
                ))
            })?;
            cipher.open(key.as_str(), payload)?
        };
        let record: Record = serde_json::from_slice(&json)
            .map_err(|error| Error::Tokens(format!("the stored tokens of {key}: {error}")))?;
        Ok(record.into_tokens())
    }

    async fn get_tokens(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error> {
        let doing = Error::database(format!("reading the tokens of {key}"));
        let row = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT t.sealed, t.payload FROM tokens t JOIN authorizations a \
                 ON a.id = t.authorization_id WHERE a.token_key = ?",
            ))
            .bind(key.as_str())
            .fetch_optional(pool)
            .await
            .and_then(|row| {
                row.map(|row| {
                    Ok::<_, sqlx::Error>((row.try_get::<i64, _>(0)?, row.try_get::<Vec<u8>, _>(1)?))
                })
                .transpose()
            })
        })
        .map_err(doing)?;
        row.map(|(sealed, payload)| self.tokens_of(key, sealed, &payload))
            .transpose()
    }

    async fn put_tokens(&self, key: &TokenKey, tokens: &TokenSet) -> Result<(), Error> {
        let (sealed, payload) = self.payload(key, tokens)?;
        let now = tokens.obtained_at;
        let origin = tokens
            .authorization_uri
            .as_deref()
            .or(tokens.resource_uri.as_deref())
            .map(origin_of);
        let doing = |what: &str| Error::database(format!("storing the tokens of {key}: {what}"));
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            let custodian: Option<i64> = match &origin {
                Some(origin) => Some(
                    sqlx::query_scalar(&sql(
                        "INSERT INTO data_custodians (origin, created_at) VALUES (?, ?) \
                         ON CONFLICT (origin) DO UPDATE SET origin = excluded.origin RETURNING id",
                    ))
                    .bind(origin)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(doing("the Data Custodian"))?,
                ),
                None => None,
            };
            let authorization: i64 = sqlx::query_scalar(&sql(
                "INSERT INTO authorizations (data_custodian_id, token_key, authorization_uri, \
                 scope, granted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (token_key) DO UPDATE SET \
                 data_custodian_id = COALESCE(excluded.data_custodian_id, authorizations.data_custodian_id), \
                 authorization_uri = COALESCE(excluded.authorization_uri, authorizations.authorization_uri), \
                 scope = COALESCE(excluded.scope, authorizations.scope), \
                 updated_at = excluded.updated_at RETURNING id",
            ))
            .bind(custodian)
            .bind(key.as_str())
            .bind(tokens.authorization_uri.as_deref())
            .bind(tokens.scope.as_deref())
            .bind(tokens.granted_at)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(doing("the authorization"))?;
            if let Some(subscription) = &tokens.resource_uri {
                sqlx::query(&sql(
                    "INSERT INTO subscriptions (uri, data_custodian_id, authorization_id, created_at) \
                     VALUES (?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET \
                     authorization_id = excluded.authorization_id, \
                     data_custodian_id = COALESCE(excluded.data_custodian_id, subscriptions.data_custodian_id)",
                ))
                .bind(subscription)
                .bind(custodian)
                .bind(authorization)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(doing("the subscription"))?;
            }
            sqlx::query(&sql(
                "INSERT INTO tokens (authorization_id, sealed, payload, updated_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (authorization_id) DO UPDATE SET sealed = excluded.sealed, \
                 payload = excluded.payload, updated_at = excluded.updated_at",
            ))
            .bind(authorization)
            .bind(sealed)
            .bind(&payload)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(doing("the token row"))?;
            tx.commit().await.map_err(doing("commit"))?;
            Ok(())
        })
    }

    async fn remove_tokens(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error> {
        let current = self.get_tokens(key).await?;
        let doing = Error::database(format!("removing the tokens of {key}"));
        on_pool!(self, |pool, sql| {
            sqlx::query(&sql("DELETE FROM tokens WHERE authorization_id IN \
                 (SELECT id FROM authorizations WHERE token_key = ?)"))
            .bind(key.as_str())
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(doing)?;
        Ok(current)
    }

    /// Records that the authorization under `key` ended at `at` (epoch seconds) for
    /// `reason` (revoked, expired, `invalid_grant`), and forgets its tokens. With
    /// [`StoreOptions::delete_on_revocation`](crate::StoreOptions::delete_on_revocation)
    /// its subscriptions are deleted too, with every entry, reading and record of
    /// them. Returns the number of subscriptions deleted.
    pub async fn end_authorization(
        &self,
        key: &TokenKey,
        reason: &str,
        at: i64,
    ) -> Result<u64, Error> {
        let delete = self.options.delete_on_revocation;
        let doing = |what: &str| Error::database(format!("ending the authorization {key}: {what}"));
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            let id: Option<i64> = sqlx::query_scalar(&sql(
                "UPDATE authorizations SET ended_at = COALESCE(ended_at, ?), \
                 ended_reason = COALESCE(ended_reason, ?), updated_at = ? \
                 WHERE token_key = ? RETURNING id",
            ))
            .bind(at)
            .bind(reason)
            .bind(at)
            .bind(key.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(doing("the authorization"))?;
            let Some(id) = id else {
                tx.commit().await.map_err(doing("commit"))?;
                return Ok(0);
            };
            sqlx::query(&sql("DELETE FROM tokens WHERE authorization_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(doing("its tokens"))?;
            let deleted = if delete {
                // Locks the subscriptions first, as a commit does (its upsert), so
                // that a commit in flight ends before the readings are deleted: the
                // readings it is adding would otherwise escape the deletes below.
                sqlx::query(&sql(
                    "UPDATE subscriptions SET uri = uri WHERE authorization_id = ?",
                ))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(doing("its subscriptions"))?;
                // Readings and revisions have no foreign key to cascade along.
                for statement in [
                    "DELETE FROM reading_revisions WHERE meter_reading_id IN (SELECT m.id \
                     FROM meter_readings m JOIN subscriptions s ON s.id = m.subscription_id \
                     WHERE s.authorization_id = ?)",
                    "DELETE FROM readings WHERE meter_reading_id IN (SELECT m.id \
                     FROM meter_readings m JOIN subscriptions s ON s.id = m.subscription_id \
                     WHERE s.authorization_id = ?)",
                ] {
                    sqlx::query(&sql(statement))
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(doing("its readings"))?;
                }
                sqlx::query(&sql("DELETE FROM subscriptions WHERE authorization_id = ?"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(doing("its subscriptions"))?
                    .rows_affected()
            } else {
                0
            };
            tx.commit().await.map_err(doing("commit"))?;
            Ok(deleted)
        })
    }
}

#[async_trait::async_trait]
impl TokenStore for Store {
    async fn get(&self, key: &TokenKey) -> Result<Option<TokenSet>, StoreError> {
        Ok(self.get_tokens(key).await?)
    }

    async fn put(&self, key: &TokenKey, tokens: TokenSet) -> Result<(), StoreError> {
        Ok(self.put_tokens(key, &tokens).await?)
    }

    async fn remove(&self, key: &TokenKey) -> Result<Option<TokenSet>, StoreError> {
        Ok(self.remove_tokens(key).await?)
    }

    /// On PostgreSQL, a transaction-scoped advisory lock on the key, held on a
    /// connection of the pool until the lock is dropped (or the process dies): one
    /// refresh at a time per authorization across every worker. On SQLite, which one
    /// process uses, nothing beyond the client's own lock.
    async fn refresh_lock(&self, key: &TokenKey) -> Result<RefreshLock, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(RefreshLock::none()),
            Pool::Postgres(pool) => {
                let doing =
                    |what: &str| Error::database(format!("locking the refreshes of {key}: {what}"));
                let mut tx = pool.begin().await.map_err(doing("begin"))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                    .bind(REFRESH_LOCKS)
                    .bind(key.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(doing("the advisory lock"))?;
                Ok(RefreshLock::holding(tx))
            }
        }
    }
}

/// The first key of the advisory locks on refreshes (the second is the token key's
/// hash): "ESPI" in ASCII, so other users of advisory locks can keep clear of it.
const REFRESH_LOCKS: i32 = 0x4553_5049;
