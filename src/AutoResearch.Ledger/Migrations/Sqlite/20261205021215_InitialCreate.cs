using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoResearch.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_campaigns",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    started_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    ended_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    deadline = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    spec_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_controls",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    campaign_id = table.Column<string>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: true),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    budget_tokens = table.Column<long>(type: "INTEGER", nullable: true),
                    budget_gpu_seconds = table.Column<double>(type: "REAL", nullable: true),
                    budget_cpu_seconds = table.Column<double>(type: "REAL", nullable: true),
                    reason = table.Column<string>(type: "TEXT", nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", nullable: false),
                    requested_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    applied_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    outcome = table.Column<string>(type: "TEXT", nullable: true),
                    outcome_kind = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_controls", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_experiments",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    campaign_id = table.Column<string>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    proposer_name = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    failure = table.Column<string>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    image_id = table.Column<string>(type: "TEXT", nullable: true),
                    container_id = table.Column<string>(type: "TEXT", nullable: true),
                    exit_code = table.Column<long>(type: "INTEGER", nullable: true),
                    queued_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    started_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    ended_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    objective = table.Column<double>(type: "REAL", nullable: true),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    cpu_seconds = table.Column<double>(type: "REAL", nullable: false),
                    gpu_seconds = table.Column<double>(type: "REAL", nullable: false),
                    seed = table.Column<int>(type: "INTEGER", nullable: false),
                    is_baseline = table.Column<bool>(type: "INTEGER", nullable: false),
                    hypothesis = table.Column<string>(type: "TEXT", nullable: false),
                    diff = table.Column<string>(type: "TEXT", nullable: true),
                    log_head = table.Column<string>(type: "TEXT", nullable: false),
                    log_tail = table.Column<string>(type: "TEXT", nullable: false),
                    parameters_json = table.Column<string>(type: "TEXT", nullable: false),
                    metrics_json = table.Column<string>(type: "TEXT", nullable: false),
                    edited_files_json = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    repeat_of = table.Column<string>(type: "TEXT", nullable: true),
                    verdict = table.Column<string>(type: "TEXT", nullable: false),
                    confidence = table.Column<double>(type: "REAL", nullable: true),
                    margin = table.Column<double>(type: "REAL", nullable: true),
                    slot_started_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    slot_ended_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: true),
                    tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    notes_json = table.Column<string>(type: "TEXT", nullable: false),
                    artifacts_truncated = table.Column<bool>(type: "INTEGER", nullable: false),
                    origin = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_experiments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_journal",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    campaign_id = table.Column<string>(type: "TEXT", nullable: false),
                    author = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    experiment_id = table.Column<string>(type: "TEXT", nullable: true),
                    at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_journal", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_leaderboard",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    campaign_id = table.Column<string>(type: "TEXT", nullable: false),
                    idx = table.Column<int>(type: "INTEGER", nullable: false),
                    experiment_id = table.Column<string>(type: "TEXT", nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    objective = table.Column<double>(type: "REAL", nullable: false),
                    runs = table.Column<int>(type: "INTEGER", nullable: false),
                    std_dev = table.Column<double>(type: "REAL", nullable: true),
                    confidence = table.Column<double>(type: "REAL", nullable: true),
                    margin = table.Column<double>(type: "REAL", nullable: true),
                    accepted_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false),
                    parameters_json = table.Column<string>(type: "TEXT", nullable: false),
                    edited_files_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_leaderboard", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_model_calls",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    campaign_id = table.Column<string>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    experiment_id = table.Column<string>(type: "TEXT", nullable: true),
                    provider = table.Column<string>(type: "TEXT", nullable: false),
                    model = table.Column<string>(type: "TEXT", nullable: false),
                    purpose = table.Column<string>(type: "TEXT", nullable: false),
                    prompt_tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    completion_tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    latency_ms = table.Column<double>(type: "REAL", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", nullable: false),
                    error = table.Column<string>(type: "TEXT", nullable: true),
                    at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_model_calls", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_schema_version",
                columns: table => new
                {
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    applied_at = table.Column<string>(type: "TEXT", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_schema_version", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "ledger_sequences",
                columns: table => new
                {
                    campaign_id = table.Column<string>(type: "TEXT", nullable: false),
                    last_sequence = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_sequences", x => x.campaign_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_campaigns_created_at",
                table: "ledger_campaigns",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_controls_campaign_id_applied_at",
                table: "ledger_controls",
                columns: new[] { "campaign_id", "applied_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_experiments_campaign_id_sequence",
                table: "ledger_experiments",
                columns: new[] { "campaign_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_experiments_campaign_id_status",
                table: "ledger_experiments",
                columns: new[] { "campaign_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_experiments_covering",
                table: "ledger_experiments",
                columns: new[] { "campaign_id", "status", "kind", "objective", "sequence", "agent_id", "verdict", "failure", "attempt", "is_baseline", "repeat_of", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_journal_campaign_id_id",
                table: "ledger_journal",
                columns: new[] { "campaign_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_leaderboard_campaign_id_idx",
                table: "ledger_leaderboard",
                columns: new[] { "campaign_id", "idx" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_model_calls_campaign_id_at",
                table: "ledger_model_calls",
                columns: new[] { "campaign_id", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_campaigns");

            migrationBuilder.DropTable(
                name: "ledger_controls");

            migrationBuilder.DropTable(
                name: "ledger_experiments");

            migrationBuilder.DropTable(
                name: "ledger_journal");

            migrationBuilder.DropTable(
                name: "ledger_leaderboard");

            migrationBuilder.DropTable(
                name: "ledger_model_calls");

            migrationBuilder.DropTable(
                name: "ledger_schema_version");

            migrationBuilder.DropTable(
                name: "ledger_sequences");
        }
    }
}
