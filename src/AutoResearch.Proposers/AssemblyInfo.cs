namespace AutoResearch.Proposers;
