namespace AutoResearch.Web.Campaigns;

/// <summary>A console operation's result: the value, or what was wrong (by field) and whether the thing asked about exists.</summary>
public sealed record OperationOutcome<T>(T? Value, FormProblems? Problems = null, bool NotFound = false, string? Conflict = null)
{
    public bool Ok => Problems is null && !NotFound && Conflict is null;

    public static OperationOutcome<T> Missing() => new(default, NotFound: true);

    public static OperationOutcome<T> Invalid(string field, string message)
    {
        var problems = new FormProblems();
        problems.Add(field, message);
        return new OperationOutcome<T>(default, problems);
    }
}
