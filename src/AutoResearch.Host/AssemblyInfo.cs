namespace AutoResearch.Host;
