using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// Every mapped route and every page handler has a rule in <see cref="RouteRoles"/> and carries its policy: a new endpoint
/// or handler without a rule fails here (at run time it would need an admin), and so does a rule that matches nothing.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class RouteRolesTests(ConsoleFactory console)
{
    [Fact]
    public void Every_endpoint_has_a_rule_and_carries_its_policy()
    {
        var endpoints = console.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count >= 40, $"only {endpoints.Count} endpoints found");
        var wrong = new List<string>();
        var used = new HashSet<RouteRule>();
        foreach (var endpoint in endpoints)
        {
            var pattern = RouteRoles.Normalize(endpoint.RoutePattern.RawText ?? "");
            var role = RouteRoles.RoleOf(endpoint.Metadata, endpoint.RoutePattern.RawText, out var missing);
            if (missing is not null)
            {
                wrong.Add($"no rule in RouteRoles for {missing}");
                continue;
            }
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null).ToList();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (role is null && !anonymous) wrong.Add($"{pattern} should be open but is not");
            if (role is { } r && (anonymous || !policies.Contains(ConsolePolicies.For(r))))
                wrong.Add($"{pattern} should need policy {ConsolePolicies.For(r)} but has [{string.Join(", ", policies)}]{(anonymous ? " and is open" : "")}");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                if (RouteRoles.ForEndpoint(method, pattern) is { } rule) used.Add(rule);
        }
        Assert.Empty(wrong);
        Assert.Empty(RouteRoles.Endpoints.Where(r => !used.Contains(r)).Select(r => $"rule matches no endpoint: {r.Describe}"));
    }

    [Fact]
    public async Task Every_page_handler_has_a_rule()
    {
        var loader = console.Services.GetRequiredService<PageLoader>();
        var pages = console.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<PageActionDescriptor>()
            .Where(p => p.ViewEnginePath.StartsWith('/') && !p.ViewEnginePath.StartsWith("/Shared", StringComparison.Ordinal))
            .DistinctBy(p => p.ViewEnginePath).ToList();
        Assert.Contains(pages, p => p.ViewEnginePath == "/Settings/Users");
        var wrong = new List<string>();
        var used = new HashSet<RouteRule>();
        foreach (var page in pages)
        {
            var compiled = await loader.LoadAsync(page, EndpointMetadataCollection.Empty);
            Assert.NotEmpty(compiled.HandlerMethods);
            Assert.True(compiled.FilterDescriptors.Any(f => f.Filter is PageHandlerRoles), $"{page.ViewEnginePath} does not check its handlers' roles: [{string.Join(", ", compiled.FilterDescriptors.Select(f => f.Filter.GetType().Name))}]");
            foreach (var handler in compiled.HandlerMethods)
            {
                var rule = RouteRoles.ForPageHandler(handler.HttpMethod, page.ViewEnginePath, handler.Name);
                if (rule is null) wrong.Add($"no rule in RouteRoles.PageHandlers for {handler.HttpMethod.ToUpperInvariant()} {page.ViewEnginePath}{(handler.Name is null ? "" : "?handler=" + handler.Name)}");
                else used.Add(rule);
            }
        }
        Assert.Empty(wrong);
        Assert.Empty(RouteRoles.PageHandlers.Where(r => !used.Contains(r)).Select(r => $"rule matches no page handler: {r.Describe}"));
    }
}
