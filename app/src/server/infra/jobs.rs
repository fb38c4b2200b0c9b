//! Background jobs under supervision: each run of a periodic job is a task of its own, so a
//! panic in one run is logged and counted and the next run starts on time — a job never stops
//! silently.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The runs and panics of the server's jobs, for the logs and `/ready`.
#[derive(Clone, Default)]
pub struct JobStats {
    runs: Arc<AtomicU64>,
    panics: Arc<AtomicU64>,
}

impl JobStats {
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    pub fn panics(&self) -> u64 {
        self.panics.load(Ordering::Relaxed)
    }
}

/// Runs `job` now and then every `every`, each run in its own task; a run that panics is
/// logged with the job's `name` and counted, and the schedule goes on.
pub fn every<F, Fut>(name: &'static str, every: Duration, stats: JobStats, job: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(name, &stats, job()).await;
        }
    });
}

/// One supervised run: true when it ended without panicking.
pub async fn run_once(
    name: &str,
    stats: &JobStats,
    run: impl Future<Output = ()> + Send + 'static,
) -> bool {
    stats.runs.fetch_add(1, Ordering::Relaxed);
    match tokio::spawn(run).await {
        Ok(()) => true,
        Err(e) => {
            let n = stats.panics.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::error!(
                "job {name} failed ({n} failures since start), next run as planned: {e}"
            );
            false
        }
    }
}

/// Claims the turn of the periodic job `name` for `holder` (this instance) for `hold`: true
/// when it is this instance's to run. One conditional update on the job's row of `job_leases`:
/// of instances asking at once, one wins; the others find the turn taken until it ends. Hold a
/// little less than the period, so that the next turn is free whichever instance asks.
pub async fn claim(
    db: &impl sea_orm::ConnectionTrait,
    name: &str,
    holder: &str,
    hold: Duration,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{DbBackend, Statement};
    let now = chrono::Utc::now().timestamp();
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE job_leases SET holder = $1, until_epoch = $2 \
             WHERE name = $3 AND until_epoch <= $4"
        }
        _ => {
            "UPDATE job_leases SET holder = ?, until_epoch = ? WHERE name = ? AND until_epoch <= ?"
        }
    };
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                holder.into(),
                (now + hold.as_secs() as i64).into(),
                name.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_run_is_counted_and_the_next_one_runs() {
        let stats = JobStats::default();
        let done = Arc::new(AtomicU64::new(0));
        let calls = Arc::new(AtomicU64::new(0));
        let job = {
            let (done, calls) = (done.clone(), calls.clone());
            move || {
                let (done, calls) = (done.clone(), calls.clone());
                async move {
                    if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                        panic!("the first run fails");
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                }
            }
        };
        every("test", Duration::from_millis(10), stats.clone(), job);
        for _ in 0..500 {
            if done.load(Ordering::SeqCst) >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(stats.panics(), 1);
        assert!(
            done.load(Ordering::SeqCst) >= 2,
            "runs went on after the panic"
        );
        assert!(stats.runs() >= 3);
    }
}
