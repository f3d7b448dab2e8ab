using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoResearch.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeaderboardReason : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "reason",
                table: "ledger_leaderboard",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "reason",
                table: "ledger_leaderboard");
        }
    }
}
