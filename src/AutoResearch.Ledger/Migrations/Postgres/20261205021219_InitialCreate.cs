using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AutoResearch.Ledger.Migrations.Postgres
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
                    id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false),
                    started_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    ended_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    deadline = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    reason = table.Column<string>(type: "text", nullable: true),
                    spec_json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_controls",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    campaign_id = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: true),
                    action = table.Column<string>(type: "text", nullable: false),
                    budget_tokens = table.Column<long>(type: "bigint", nullable: true),
                    budget_gpu_seconds = table.Column<double>(type: "double precision", nullable: true),
                    budget_cpu_seconds = table.Column<double>(type: "double precision", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: false),
                    requested_by = table.Column<string>(type: "text", nullable: false),
                    requested_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false),
                    applied_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    outcome = table.Column<string>(type: "text", nullable: true),
                    outcome_kind = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_controls", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_experiments",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    campaign_id = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    proposer_name = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    failure = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    image_id = table.Column<string>(type: "text", nullable: true),
                    container_id = table.Column<string>(type: "text", nullable: true),
                    exit_code = table.Column<long>(type: "bigint", nullable: true),
                    queued_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false),
                    started_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    ended_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    objective = table.Column<double>(type: "double precision", nullable: true),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    cpu_seconds = table.Column<double>(type: "double precision", nullable: false),
                    gpu_seconds = table.Column<double>(type: "double precision", nullable: false),
                    seed = table.Column<int>(type: "integer", nullable: false),
                    is_baseline = table.Column<bool>(type: "boolean", nullable: false),
                    hypothesis = table.Column<string>(type: "text", nullable: false),
                    diff = table.Column<string>(type: "text", nullable: true),
                    log_head = table.Column<string>(type: "text", nullable: false),
                    log_tail = table.Column<string>(type: "text", nullable: false),
                    parameters_json = table.Column<string>(type: "text", nullable: false),
                    metrics_json = table.Column<string>(type: "text", nullable: false),
                    edited_files_json = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    repeat_of = table.Column<string>(type: "text", nullable: true),
                    verdict = table.Column<string>(type: "text", nullable: false),
                    confidence = table.Column<double>(type: "double precision", nullable: true),
                    margin = table.Column<double>(type: "double precision", nullable: true),
                    slot_started_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    slot_ended_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true),
                    tokens = table.Column<long>(type: "bigint", nullable: false),
                    notes_json = table.Column<string>(type: "text", nullable: false),
                    artifacts_truncated = table.Column<bool>(type: "boolean", nullable: false),
                    origin = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_experiments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_journal",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    campaign_id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    experiment_id = table.Column<string>(type: "text", nullable: true),
                    at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_journal", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_leaderboard",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    campaign_id = table.Column<string>(type: "text", nullable: false),
                    idx = table.Column<int>(type: "integer", nullable: false),
                    experiment_id = table.Column<string>(type: "text", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    objective = table.Column<double>(type: "double precision", nullable: false),
                    runs = table.Column<int>(type: "integer", nullable: false),
                    std_dev = table.Column<double>(type: "double precision", nullable: true),
                    confidence = table.Column<double>(type: "double precision", nullable: true),
                    margin = table.Column<double>(type: "double precision", nullable: true),
                    accepted_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false),
                    parameters_json = table.Column<string>(type: "text", nullable: false),
                    edited_files_json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_leaderboard", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_model_calls",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    campaign_id = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    experiment_id = table.Column<string>(type: "text", nullable: true),
                    provider = table.Column<string>(type: "text", nullable: false),
                    model = table.Column<string>(type: "text", nullable: false),
                    purpose = table.Column<string>(type: "text", nullable: false),
                    prompt_tokens = table.Column<long>(type: "bigint", nullable: false),
                    completion_tokens = table.Column<long>(type: "bigint", nullable: false),
                    latency_ms = table.Column<double>(type: "double precision", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_model_calls", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_schema_version",
                columns: table => new
                {
                    version = table.Column<int>(type: "integer", nullable: false),
                    applied_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_schema_version", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "ledger_sequences",
                columns: table => new
                {
                    campaign_id = table.Column<string>(type: "text", nullable: false),
                    last_sequence = table.Column<int>(type: "integer", nullable: false)
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
