using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoResearch.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ExperimentHost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "host",
                table: "ledger_experiments",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "host",
                table: "ledger_experiments");
        }
    }
}
