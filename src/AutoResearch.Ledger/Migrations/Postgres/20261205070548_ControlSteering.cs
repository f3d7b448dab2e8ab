using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoResearch.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ControlSteering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "experiment_sequence",
                table: "ledger_controls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "limit_deadline",
                table: "ledger_controls",
                type: "character varying(28)",
                maxLength: 28,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "limit_max_experiments",
                table: "ledger_controls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "limit_slots",
                table: "ledger_controls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "parameters_json",
                table: "ledger_controls",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "experiment_sequence",
                table: "ledger_controls");

            migrationBuilder.DropColumn(
                name: "limit_deadline",
                table: "ledger_controls");

            migrationBuilder.DropColumn(
                name: "limit_max_experiments",
                table: "ledger_controls");

            migrationBuilder.DropColumn(
                name: "limit_slots",
                table: "ledger_controls");

            migrationBuilder.DropColumn(
                name: "parameters_json",
                table: "ledger_controls");
        }
    }
}
