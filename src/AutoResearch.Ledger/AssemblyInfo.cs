namespace AutoResearch.Ledger;
