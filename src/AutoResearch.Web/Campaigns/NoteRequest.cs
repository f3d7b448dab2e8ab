namespace AutoResearch.Web.Campaigns;

/// <summary>A person's note for the journal; <see cref="Experiment"/> is an experiment id or number.</summary>
public sealed record NoteRequest(string? Text, string? Author, string? Experiment);
