using AutoResearch.Web.Api;
using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Settings;

/// <summary>The admin's view of the audit log: newest first, a page at a time (the same entries as <c>GET /api/audit</c>).</summary>
public sealed class AuditModel(AuditLog audit) : PageModel
{
    public AuditPageView Log { get; private set; } = new(0, 0, AuditPageView.DefaultLimit, []);

    public void OnGet(int? offset)
    {
        var from = Math.Max(0, offset ?? 0);
        var (entries, total) = audit.Read(from, AuditPageView.DefaultLimit);
        Log = new AuditPageView(total, from, AuditPageView.DefaultLimit, entries);
    }
}
