using AutoResearch.Host.Hosting;
using AutoResearch.Web.Api;
using AutoResearch.Web.Campaigns;
using AutoResearch.Web.Security;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Serilog.Events;

namespace AutoResearch.Web;

/// <summary>The web console, composed: the embedded AutoResearch host (silo, sandboxes, ledger, reports) plus pages and API.</summary>
public static class ConsoleApp
{
    /// <summary>Environment variable that sets the admin password (same as <c>Console__AdminPassword</c>).</summary>
    public const string AdminPasswordVariable = "AUTORESEARCH_ADMIN_PASSWORD";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (Environment.GetEnvironmentVariable(AdminPasswordVariable) is { Length: > 0 } password)
            builder.Configuration[$"{ConsoleOptions.Section}:AdminPassword"] = password;
        configure?.Invoke(builder);

        var options = builder.AddAutoResearchOptions();
        var console = builder.AddConsoleOptions();
        builder.AddAutoResearchLogging(options, LogEventLevel.Information);
        builder.AddAutoResearchStorage(options);
        builder.AddAutoResearchRuntime(options);
        builder.AddOrleansDashboardForOperators();
        builder.AddConsoleSecurity(console, options);
        builder.AddConsoleCampaigns();
        builder.AddConsolePages();
        builder.AddFriendlyErrorPages();

        var app = builder.Build();
        app.UseConsoleSecurity();
        // Every route gets the role its rule in RouteRoles names (a route missing there needs an admin).
        var routes = app.MapGroup("").RequireRouteRoles();
        routes.MapConsoleAssets();
        routes.MapAccessApi();
        routes.MapCampaignsApi();
        routes.MapAnalysisApi();
        routes.MapOpenApi().WithTags("OpenAPI");
        app.UseDashboardAddressCheck("/dashboard");
        app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization().RequireRouteRoles();
        app.MapRazorPages().RequireRouteRoles();
        return app;
    }

    public static ConsoleOptions AddConsoleOptions(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new OptionsValidationException(ConsoleOptions.Section, typeof(ConsoleOptions), problems);
        builder.Services.AddSingleton(Options.Create(options));
        return options;
    }

    public static WebApplicationBuilder AddOrleansDashboardForOperators(this WebApplicationBuilder builder)
    {
        builder.UseOrleans(silo => silo.AddDashboard());
        return builder;
    }

    public static WebApplicationBuilder AddConsoleCampaigns(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CampaignCatalog>();
        builder.Services.AddSingleton<CampaignFormCompiler>();
        builder.Services.AddSingleton<AutoResearch.Host.Operations.CampaignOperations>();
        builder.Services.AddSingleton<AutoResearch.Host.Operations.CampaignLaunch>();
        builder.Services.AddSingleton<ConsoleCampaigns>();
        builder.Services.AddSingleton<ConsoleAnalysis>();
        builder.Services.AddSingleton(sp => new CampaignWatchers(sp.GetRequiredService<ConsoleCampaigns>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>(), sp.GetRequiredService<ILogger<CampaignWatchers>>()));
        builder.Services.AddHostedService<ConsoleResume>();
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return builder;
    }

    public static WebApplicationBuilder AddConsolePages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(pages => pages.Conventions.AllowAnonymousToPage("/Login"))
            .AddApplicationPart(typeof(ConsoleApp).Assembly);
        return builder;
    }

    /// <summary>The stylesheet and script, embedded in this assembly, at <c>/assets/…</c> (open: the sign-in page needs them).</summary>
    public static IEndpointRouteBuilder MapConsoleAssets(this IEndpointRouteBuilder app)
    {
        var assembly = typeof(ConsoleApp).Assembly;
        app.MapGet("/assets/{name}", (string name, HttpContext http) =>
        {
            if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-')) || assembly.GetManifestResourceStream($"Assets/{name}") is not { } stream)
                return Results.NotFound();
            http.Response.Headers.CacheControl = "no-cache";
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8"
                : name.EndsWith(".svg", StringComparison.Ordinal) ? "image/svg+xml" : "text/javascript; charset=utf-8";
            return Results.Stream(stream, type);
        }).AllowAnonymous().ExcludeFromDescription();
        // The tab's icon, where browsers look for it by default too.
        foreach (var path in new[] { "/favicon.ico", "/favicon.svg" })
        {
            app.MapGet(path, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=86400";
                return Results.Stream(assembly.GetManifestResourceStream("Assets/favicon.svg")!, "image/svg+xml");
            }).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }
}
