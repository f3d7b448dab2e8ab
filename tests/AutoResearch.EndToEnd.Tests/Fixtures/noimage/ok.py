print("METRIC loss=1.0")
