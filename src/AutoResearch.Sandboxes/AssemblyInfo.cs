namespace AutoResearch.Sandboxes;
