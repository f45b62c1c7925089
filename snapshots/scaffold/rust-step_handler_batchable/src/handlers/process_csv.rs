//! ProcessCsv batch handlers, implemented with the `RustStepHandler` trait.
//!
//! Three handlers make one batch pipeline: an analyzer that splits the work
//! into cursor ranges, a worker run once per range, and an aggregator run after
//! every worker. Register them with these step types (the worker step carries
//! `batch_config`; the analyzer names it for the no-batches path):
//!
//! ```yaml
//! steps:
//!   - name: process_csv_analyze
//!     type: batchable
//!     handler:
//!       callable: process_csv_analyzer
//!       initialization:
//!         worker_template_name: process_csv_batch
//!   - name: process_csv_batch
//!     type: batch_worker
//!     dependencies: [process_csv_analyze]
//!     handler:
//!       callable: process_csv_worker
//!     batch_config:
//!       batch_size: 100
//!       parallelism: 4
//!       cursor_field: item_index
//!       worker_template: process_csv_batch
//!       failure_strategy: continue_on_failure
//!   - name: process_csv_aggregate
//!     type: deferred_convergence
//!     dependencies: [process_csv_batch]
//!     handler:
//!       callable: process_csv_aggregator
//! ```
//!
//! Workers are created as `process_csv_batch_001`, `process_csv_batch_002`, ...; when
//! there is nothing to do, one placeholder `process_csv_batch_000` runs as a no-op.
//! Declare the module (`pub mod process_csv;` in `src/handlers/mod.rs`) and register
//! the three `crate::handlers::process_csv::ProcessCsv*Handler` structs with the worker's
//! handler registry. Each step's logic is a pure function on JSON values,
//! which the tests at the bottom of this file call directly.

use anyhow::Result;
use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;
use tasker_shared::messaging::StepExecutionResult;
use tasker_shared::types::TaskSequenceStep;
use tasker_worker_rust::step_handlers::StepHandlerConfig;
use tasker_worker_rust::{error_result, success_result, RustStepHandler};

pub const ANALYZE_STEP: &str = "process_csv_analyze";
pub const WORKER_STEP: &str = "process_csv_batch";
pub const BATCH_SIZE: u64 = 100;

/// Why a step failed, and whether a retry can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    pub message: String,
    pub retryable: bool,
}

impl StepFailure {
    /// A failure no retry can fix (bad input or configuration).
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: false,
        }
    }
}

/// The analyzer: splits `total_items` (from the task context) into cursor
/// ranges of [`BATCH_SIZE`], in the `batch_processing_outcome` shape the
/// orchestrator reads. Zero items give the `no_batches` outcome, for which one
/// no-op placeholder worker runs.
pub fn process_csv_analyzer(context: &Value) -> Result<Value, StepFailure> {
    let total_items = match context.get("total_items") {
        None | Some(Value::Null) => Some(0),
        Some(Value::Number(number)) => number.as_u64(),
        Some(Value::String(text)) => text.trim().parse::<u64>().ok(),
        Some(_) => None,
    }
    .ok_or_else(|| {
        StepFailure::permanent(format!(
            "total_items must be a whole number of at least 0, got {}",
            context["total_items"]
        ))
    })?;
    if total_items == 0 {
        return Ok(json!({
            "total_items": 0,
            "reason": "no items to process",
            "batch_processing_outcome": { "type": "no_batches" },
        }));
    }
    let cursor_configs: Vec<Value> = (0..total_items)
        .step_by(BATCH_SIZE as usize)
        .enumerate()
        .map(|(index, start)| {
            let end = (start + BATCH_SIZE).min(total_items);
            json!({
                "batch_id": format!("{:03}", index + 1),
                "start_cursor": start,
                "end_cursor": end,
                "batch_size": end - start,
            })
        })
        .collect();
    Ok(json!({
        "total_items": total_items,
        "batch_processing_outcome": {
            "type": "create_batches",
            "worker_template_name": WORKER_STEP,
            "worker_count": cursor_configs.len(),
            "cursor_configs": cursor_configs,
            "total_items": total_items,
        },
    }))
}

/// The worker: processes the items of its cursor range
/// `[start_cursor, end_cursor)`, read from its step inputs
/// (`{cursor, batch_metadata, is_no_op}`); the no-op placeholder does nothing.
pub fn process_csv_worker(step_inputs: &Value) -> Result<Value, StepFailure> {
    let cursor = step_inputs
        .get("cursor")
        .filter(|cursor| cursor.is_object())
        .ok_or_else(|| {
            StepFailure::permanent("no batch cursor: run this handler as a batch_worker step")
        })?;
    let batch_id = cursor.get("batch_id").cloned().unwrap_or(Value::Null);
    if step_inputs.get("is_no_op").and_then(Value::as_bool) == Some(true) {
        return Ok(json!({ "batch_id": batch_id, "items_processed": 0, "no_op": true }));
    }
    let start = cursor
        .get("start_cursor")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let end = cursor
        .get("end_cursor")
        .and_then(Value::as_u64)
        .unwrap_or(start);
    let mut processed = 0_u64;
    for _index in start..end {
        processed += 1; // process the item at `_index` here
    }
    Ok(json!({
        "batch_id": batch_id,
        "items_processed": processed,
        "items_succeeded": processed,
    }))
}

/// The aggregator: sums `items_processed` over the workers (the dependencies
/// named `<WORKER_STEP>_001`, ...), or reports zero when the analyzer created
/// no batches. `dependency_results` maps step names to their results.
pub fn process_csv_aggregator(
    dependency_results: &HashMap<String, Value>,
) -> Result<Value, StepFailure> {
    let analyzer_result = dependency_results.get(ANALYZE_STEP).ok_or_else(|| {
        StepFailure::permanent(format!(
            "no result from {ANALYZE_STEP}: the aggregator must run after it"
        ))
    })?;
    if analyzer_result["batch_processing_outcome"]["type"] == "no_batches" {
        return Ok(json!({ "total_processed": 0, "worker_count": 0, "scenario": "no_batches" }));
    }
    let prefix = format!("{WORKER_STEP}_");
    let workers: Vec<&Value> = dependency_results
        .iter()
        .filter(|(step, _)| step.starts_with(&prefix))
        .map(|(_, result)| result)
        .collect();
    let total: u64 = workers
        .iter()
        .filter_map(|result| result["items_processed"].as_u64())
        .sum();
    Ok(json!({
        "total_processed": total,
        "worker_count": workers.len(),
        "scenario": "with_batches",
    }))
}

/// The result the worker reports for a step's outcome.
fn execution_result(
    step_data: &TaskSequenceStep,
    outcome: Result<Value, StepFailure>,
    start: Instant,
) -> StepExecutionResult {
    let duration_ms = start.elapsed().as_millis() as i64;
    let step_uuid = step_data.workflow_step.workflow_step_uuid;
    match outcome {
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
                None,
                Some(error_type.to_string()),
                failure.retryable,
                duration_ms,
                None,
            )
        }
    }
}

/// Runs [`process_csv_analyzer`] for the worker.
pub struct ProcessCsvAnalyzerHandler {
    _config: StepHandlerConfig,
}

#[async_trait]
impl RustStepHandler for ProcessCsvAnalyzerHandler {
    fn new(config: StepHandlerConfig) -> Self {
        Self { _config: config }
    }

    fn name(&self) -> &str {
        "process_csv_analyzer"
    }

    async fn call(&self, step_data: &TaskSequenceStep) -> Result<StepExecutionResult> {
        let start = Instant::now();
        let context = serde_json::to_value(&step_data.task.context)?;
        let outcome = process_csv_analyzer(&context);
        Ok(execution_result(step_data, outcome, start))
    }
}

/// Runs [`process_csv_worker`] for the worker.
pub struct ProcessCsvWorkerHandler {
    _config: StepHandlerConfig,
}

#[async_trait]
impl RustStepHandler for ProcessCsvWorkerHandler {
    fn new(config: StepHandlerConfig) -> Self {
        Self { _config: config }
    }

    fn name(&self) -> &str {
        "process_csv_worker"
    }

    async fn call(&self, step_data: &TaskSequenceStep) -> Result<StepExecutionResult> {
        let start = Instant::now();
        let step_inputs = serde_json::to_value(&step_data.workflow_step.inputs)?;
        let outcome = process_csv_worker(&step_inputs);
        Ok(execution_result(step_data, outcome, start))
    }
}

/// Runs [`process_csv_aggregator`] for the worker.
pub struct ProcessCsvAggregatorHandler {
    _config: StepHandlerConfig,
}

impl ProcessCsvAggregatorHandler {
    /// The results of the step's dependencies by step name, unwrapped from
    /// the execution results the orchestrator stores.
    fn dependency_results(step_data: &TaskSequenceStep) -> Result<HashMap<String, Value>> {
        let results = match serde_json::to_value(&step_data.dependency_results)? {
            Value::Object(entries) => entries
                .into_iter()
                .map(|(step, entry)| {
                    let result = entry.get("result").cloned().unwrap_or(entry);
                    (step, result)
                })
                .collect(),
            _ => HashMap::new(),
        };
        Ok(results)
    }
}

#[async_trait]
impl RustStepHandler for ProcessCsvAggregatorHandler {
    fn new(config: StepHandlerConfig) -> Self {
        Self { _config: config }
    }

    fn name(&self) -> &str {
        "process_csv_aggregator"
    }

    async fn call(&self, step_data: &TaskSequenceStep) -> Result<StepExecutionResult> {
        let start = Instant::now();
        let dependency_results = Self::dependency_results(step_data)?;
        let outcome = process_csv_aggregator(&dependency_results);
        Ok(execution_result(step_data, outcome, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The step inputs the orchestrator gives one batch worker.
    fn worker_inputs(batch_id: &str, start: u64, end: u64, no_op: bool) -> Value {
        json!({
            "cursor": {
                "batch_id": batch_id,
                "start_cursor": start,
                "end_cursor": end,
                "batch_size": end - start,
            },
            "batch_metadata": {
                "cursor_field": "item_index",
                "failure_strategy": "continue_on_failure",
            },
            "is_no_op": no_op,
        })
    }

    #[test]
    fn analyzer_splits_the_items_into_cursor_ranges() {
        let result = process_csv_analyzer(&json!({ "total_items": 250 })).unwrap();
        let outcome = &result["batch_processing_outcome"];
        assert_eq!(outcome["type"], "create_batches");
        assert_eq!(outcome["worker_template_name"], WORKER_STEP);
        let ranges: Vec<(String, u64, u64)> = outcome["cursor_configs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["batch_id"].as_str().unwrap().to_string(),
                    c["start_cursor"].as_u64().unwrap(),
                    c["end_cursor"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            ranges,
            vec![
                ("001".to_string(), 0, 100),
                ("002".to_string(), 100, 200),
                ("003".to_string(), 200, 250),
            ]
        );
    }

    #[test]
    fn analyzer_with_no_items_creates_no_batches() {
        for context in [json!({ "total_items": 0 }), json!({})] {
            let result = process_csv_analyzer(&context).unwrap();
            assert_eq!(result["batch_processing_outcome"]["type"], "no_batches");
        }
    }

    #[test]
    fn analyzer_rejects_a_count_that_is_not_a_number() {
        for total_items in [json!("many"), json!(-1), json!(2.5)] {
            let failure = process_csv_analyzer(&json!({ "total_items": total_items })).unwrap_err();
            assert!(!failure.retryable);
        }
    }

    #[test]
    fn worker_processes_its_cursor_range() {
        let result = process_csv_worker(&worker_inputs("002", 100, 200, false)).unwrap();
        assert_eq!(result["batch_id"], "002");
        assert_eq!(result["items_processed"], 100);
    }

    #[test]
    fn placeholder_worker_does_nothing() {
        let result = process_csv_worker(&worker_inputs("000", 0, 0, true)).unwrap();
        assert_eq!(result["items_processed"], 0);
        assert_eq!(result["no_op"], true);
    }

    #[test]
    fn worker_without_a_cursor_fails_permanently() {
        let failure = process_csv_worker(&json!({})).unwrap_err();
        assert!(!failure.retryable);
    }

    #[test]
    fn aggregator_sums_the_workers() {
        let analyzer_result = process_csv_analyzer(&json!({ "total_items": 250 })).unwrap();
        let mut dependencies = HashMap::new();
        for config in analyzer_result["batch_processing_outcome"]["cursor_configs"]
            .as_array()
            .unwrap()
        {
            let batch_id = config["batch_id"].as_str().unwrap();
            let inputs = worker_inputs(
                batch_id,
                config["start_cursor"].as_u64().unwrap(),
                config["end_cursor"].as_u64().unwrap(),
                false,
            );
            let worker_result = process_csv_worker(&inputs).unwrap();
            dependencies.insert(format!("{WORKER_STEP}_{batch_id}"), worker_result);
        }
        dependencies.insert(ANALYZE_STEP.to_string(), analyzer_result);
        assert_eq!(
            process_csv_aggregator(&dependencies).unwrap(),
            json!({ "total_processed": 250, "worker_count": 3, "scenario": "with_batches" })
        );
    }

    #[test]
    fn aggregator_handles_the_no_batches_path() {
        let mut dependencies = HashMap::new();
        dependencies.insert(
            ANALYZE_STEP.to_string(),
            process_csv_analyzer(&json!({ "total_items": 0 })).unwrap(),
        );
        dependencies.insert(
            format!("{WORKER_STEP}_000"),
            json!({ "items_processed": 0, "no_op": true }),
        );
        let result = process_csv_aggregator(&dependencies).unwrap();
        assert_eq!(result["total_processed"], 0);
        assert_eq!(result["scenario"], "no_batches");
    }
}
