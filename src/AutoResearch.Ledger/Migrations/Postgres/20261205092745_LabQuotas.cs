using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoResearch.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LabQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_lab_quotas",
                columns: table => new
                {
                    lab = table.Column<string>(type: "text", nullable: false),
                    tokens = table.Column<long>(type: "bigint", nullable: false),
                    gpu_seconds = table.Column<double>(type: "double precision", nullable: false),
                    cpu_seconds = table.Column<double>(type: "double precision", nullable: false),
                    set_by = table.Column<string>(type: "text", nullable: false),
                    set_at = table.Column<string>(type: "character varying(28)", maxLength: 28, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_lab_quotas", x => x.lab);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_lab_quotas");
        }
    }
}
