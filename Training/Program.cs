namespace MnistBn.Training; static class Program { static int Main(string[] args) { System.Console.WriteLine("hi"); return 0; } }
