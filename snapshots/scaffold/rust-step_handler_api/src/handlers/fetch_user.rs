//! FetchUser API step handler, implemented with the `RustStepHandler` trait.
//!
//! Register it in a task template by the name `name()` returns:
//!
//! ```yaml
//! steps:
//!   - name: fetch_user
//!     handler:
//!       callable: fetch_user
//!     retry:
//!       retryable: true
//!       max_attempts: 3
//! ```
//!
//! Declare the module (`pub mod fetch_user;` in `src/handlers/mod.rs`) and
//! register `crate::handlers::fetch_user::FetchUserHandler` with the worker's handler
//! registry. The HTTP client is `reqwest` (add it to Cargo.toml next to
//! tasker-worker-rust, tasker-shared, async-trait, anyhow and serde_json).
//!
//! HTTP failures are classified for the orchestrator: 408, 429 and 5xx
//! responses, connection errors and timeouts are retryable; other 4xx
//! responses are not. The classification is the pure function [`fetch_user`],
//! which the tests at the bottom of this file call directly.

use anyhow::Result;
use async_trait::async_trait;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tasker_shared::messaging::StepExecutionResult;
use tasker_shared::types::TaskSequenceStep;
use tasker_worker_rust::step_handlers::StepHandlerConfig;
use tasker_worker_rust::{error_result, success_result, RustStepHandler};

/// Base URL of the API; `endpoint` from the task context is a path under it.
pub const BASE_URL: &str = "https://api.example.com";
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why the request failed, and whether a retry can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    pub message: String,
    pub retryable: bool,
    pub status: Option<u16>,
}

/// The step result for the API's answer to `GET url`: the JSON body for a
/// 2xx status (wrapped in an object when it is not one), otherwise a failure
/// that is retryable for 408, 429 and 5xx.
pub fn fetch_user(url: &str, status: u16, body: &str) -> Result<Value, StepFailure> {
    if (200..300).contains(&status) {
        return Ok(match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(object)) => Value::Object(object),
            Ok(other) => json!({ "data": other }),
            Err(_) if body.is_empty() => json!({}),
            Err(_) => json!({ "body": body }),
        });
    }
    Err(StepFailure {
        message: format!("GET {url} answered HTTP {status}"),
        retryable: status == 408 || status == 429 || status >= 500,
        status: Some(status),
    })
}

/// Calls the API for the worker and reports [`fetch_user`]'s verdict.
pub struct FetchUserHandler {
    _config: StepHandlerConfig,
    client: reqwest::Client,
}

impl FetchUserHandler {
    /// The URL of `endpoint` (`/` when missing or empty) under [`BASE_URL`].
    pub fn endpoint_url(endpoint: Option<&str>) -> String {
        let path = endpoint.filter(|path| !path.is_empty()).unwrap_or("/");
        format!(
            "{}/{}",
            BASE_URL.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    async fn get(&self, url: &str) -> Result<Value, StepFailure> {
        let request = self.client.get(url).header("accept", "application/json");
        // Connection errors, timeouts and broken bodies are worth a retry.
        let transport = |error: reqwest::Error| StepFailure {
            message: format!("GET {url} failed: {error}"),
            retryable: true,
            status: None,
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(transport)?;
        self::fetch_user(url, status, &body)
    }
}

#[async_trait]
impl RustStepHandler for FetchUserHandler {
    fn new(config: StepHandlerConfig) -> Self {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .unwrap_or_default();
        Self {
            _config: config,
            client,
        }
    }

    fn name(&self) -> &str {
        "fetch_user"
    }

    async fn call(&self, step_data: &TaskSequenceStep) -> Result<StepExecutionResult> {
        let start = Instant::now();
        let context = serde_json::to_value(&step_data.task.context)?;
        let url = Self::endpoint_url(context.get("endpoint").and_then(Value::as_str));

        let outcome = self.get(&url).await;

        let duration_ms = start.elapsed().as_millis() as i64;
        let step_uuid = step_data.workflow_step.workflow_step_uuid;
        Ok(match outcome {
            Ok(result) => success_result(step_uuid, result, duration_ms, None),
            Err(failure) => {
                let error_type = if failure.retryable {
                    "RetryableError"
                } else {
                    "PermanentError"
                };
                error_result(
                    step_uuid,
                    failure.message,
                    failure.status.map(|status| format!("HTTP_{status}")),
                    Some(error_type.to_string()),
                    failure.retryable,
                    duration_ms,
                    None,
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://api.example.com/users/1";

    #[test]
    fn success_returns_the_json_body() {
        let result = super::fetch_user(URL, 200, r#"{"id": 1, "name": "Ada"}"#);
        assert_eq!(result, Ok(json!({"id": 1, "name": "Ada"})));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_wrapped() {
        assert_eq!(
            super::fetch_user(URL, 200, "[1, 2]"),
            Ok(json!({"data": [1, 2]}))
        );
        assert_eq!(super::fetch_user(URL, 204, ""), Ok(json!({})));
    }

    #[test]
    fn failures_are_classified_by_status() {
        for (status, retryable) in [
            (408, true),
            (429, true),
            (500, true),
            (503, true),
            (400, false),
            (401, false),
            (404, false),
            (422, false),
        ] {
            let failure = super::fetch_user(URL, status, "{}").unwrap_err();
            assert_eq!(failure.retryable, retryable, "HTTP {status}");
            assert_eq!(failure.status, Some(status));
        }
    }

    #[test]
    fn endpoints_are_paths_under_the_base_url() {
        let base = BASE_URL.trim_end_matches('/');
        assert_eq!(
            FetchUserHandler::endpoint_url(Some("/users/1")),
            format!("{base}/users/1")
        );
        assert_eq!(FetchUserHandler::endpoint_url(None), format!("{base}/"));
        assert_eq!(FetchUserHandler::endpoint_url(Some("")), format!("{base}/"));
    }
}
