Console.WriteLine("autoresearch");
