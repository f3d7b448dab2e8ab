using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AutoResearch.Web.Security;

/// <summary>
/// Before a Razor page handler runs: the policy of its rule in <see cref="RouteRoles.PageHandlers"/> (a handler not in the
/// table needs an admin). A signed-in person without the role gets 403; nobody signed in, the sign-in page.
/// </summary>
public sealed class PageHandlerRoles : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var rule = RouteRoles.ForPageHandler(http.Request.Method, context.ActionDescriptor.ViewEnginePath, context.HandlerMethod?.Name);
        if (rule is null || rule.Role is not null)
        {
            var role = rule?.Role ?? ConsoleRole.Admin;
            var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await authorization.AuthorizeAsync(http.User, ConsolePolicies.For(role))).Succeeded)
            {
                context.Result = http.User.Identity?.IsAuthenticated == true ? new ForbidResult() : new ChallengeResult();
                return;
            }
        }
        await next();
    }
}
