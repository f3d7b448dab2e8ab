using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Web.Campaigns;

/// <summary>A form turned into a validated campaign (and the campaign file written for it), or the problems that stopped it.</summary>
public sealed record CompiledCampaign(CampaignSpec? Spec, string? File, FormProblems Problems);
