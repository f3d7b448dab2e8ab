-- Ledger schema version 4 exactly as the pre-migrations LedgerInitializer created it (CreateTablesAsync of the model at
-- commit d6c2a9a; generated then with dotnet ef dbcontext script). Test data: do not regenerate from a later model.
CREATE TABLE "ledger_campaigns" (
    "id" TEXT NOT NULL CONSTRAINT "pk_ledger_campaigns" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "started_at" TEXT NULL,
    "ended_at" TEXT NULL,
    "deadline" TEXT NULL,
    "reason" TEXT NULL,
    "spec_json" TEXT NOT NULL
);


CREATE TABLE "ledger_controls" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_ledger_controls" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" TEXT NOT NULL,
    "agent_id" TEXT NULL,
    "action" TEXT NOT NULL,
    "budget_tokens" INTEGER NULL,
    "budget_gpu_seconds" REAL NULL,
    "budget_cpu_seconds" REAL NULL,
    "reason" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" TEXT NOT NULL,
    "applied_at" TEXT NULL,
    "outcome" TEXT NULL,
    "outcome_kind" TEXT NULL
);


CREATE TABLE "ledger_experiments" (
    "id" TEXT NOT NULL CONSTRAINT "pk_ledger_experiments" PRIMARY KEY,
    "campaign_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "proposer_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "failure" TEXT NOT NULL,
    "reason" TEXT NULL,
    "image_id" TEXT NULL,
    "container_id" TEXT NULL,
    "exit_code" INTEGER NULL,
    "queued_at" TEXT NOT NULL,
    "started_at" TEXT NULL,
    "ended_at" TEXT NULL,
    "objective" REAL NULL,
    "attempt" INTEGER NOT NULL,
    "cpu_seconds" REAL NOT NULL,
    "gpu_seconds" REAL NOT NULL,
    "seed" INTEGER NOT NULL,
    "is_baseline" INTEGER NOT NULL,
    "hypothesis" TEXT NOT NULL,
    "diff" TEXT NULL,
    "log_head" TEXT NOT NULL,
    "log_tail" TEXT NOT NULL,
    "parameters_json" TEXT NOT NULL,
    "metrics_json" TEXT NOT NULL,
    "edited_files_json" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "repeat_of" TEXT NULL,
    "verdict" TEXT NOT NULL,
    "confidence" REAL NULL,
    "margin" REAL NULL,
    "slot_started_at" TEXT NULL,
    "slot_ended_at" TEXT NULL,
    "tokens" INTEGER NOT NULL,
    "notes_json" TEXT NOT NULL,
    "artifacts_truncated" INTEGER NOT NULL,
    "origin" TEXT NOT NULL
);


CREATE TABLE "ledger_journal" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_ledger_journal" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "experiment_id" TEXT NULL,
    "at" TEXT NOT NULL
);


CREATE TABLE "ledger_leaderboard" (
    "id" TEXT NOT NULL CONSTRAINT "pk_ledger_leaderboard" PRIMARY KEY,
    "campaign_id" TEXT NOT NULL,
    "idx" INTEGER NOT NULL,
    "experiment_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "agent_id" TEXT NOT NULL,
    "objective" REAL NOT NULL,
    "runs" INTEGER NOT NULL,
    "std_dev" REAL NULL,
    "confidence" REAL NULL,
    "margin" REAL NULL,
    "accepted_at" TEXT NOT NULL,
    "parameters_json" TEXT NOT NULL,
    "edited_files_json" TEXT NOT NULL
);


CREATE TABLE "ledger_model_calls" (
    "id" TEXT NOT NULL CONSTRAINT "pk_ledger_model_calls" PRIMARY KEY,
    "campaign_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "experiment_id" TEXT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "prompt_tokens" INTEGER NOT NULL,
    "completion_tokens" INTEGER NOT NULL,
    "latency_ms" REAL NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT NULL,
    "at" TEXT NOT NULL
);


CREATE TABLE "ledger_schema_version" (
    "version" INTEGER NOT NULL CONSTRAINT "pk_ledger_schema_version" PRIMARY KEY,
    "applied_at" TEXT NOT NULL
);


CREATE TABLE "ledger_sequences" (
    "campaign_id" TEXT NOT NULL CONSTRAINT "pk_ledger_sequences" PRIMARY KEY,
    "last_sequence" INTEGER NOT NULL
);


CREATE INDEX "ix_ledger_campaigns_created_at" ON "ledger_campaigns" ("created_at");


CREATE INDEX "ix_ledger_controls_campaign_id_applied_at" ON "ledger_controls" ("campaign_id", "applied_at");


CREATE INDEX "ix_ledger_experiments_campaign_id_sequence" ON "ledger_experiments" ("campaign_id", "sequence");


CREATE INDEX "ix_ledger_experiments_campaign_id_status" ON "ledger_experiments" ("campaign_id", "status");


CREATE INDEX "ix_ledger_experiments_covering" ON "ledger_experiments" ("campaign_id", "status", "kind", "objective", "sequence", "agent_id", "verdict", "failure", "attempt", "is_baseline", "repeat_of", "id");


CREATE INDEX "ix_ledger_journal_campaign_id_id" ON "ledger_journal" ("campaign_id", "id");


CREATE UNIQUE INDEX "ix_ledger_leaderboard_campaign_id_idx" ON "ledger_leaderboard" ("campaign_id", "idx");


CREATE INDEX "ix_ledger_model_calls_campaign_id_at" ON "ledger_model_calls" ("campaign_id", "at");


