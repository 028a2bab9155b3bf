using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Dynamo.MicroBenchmarks.RingBenchmarks).Assembly).Run(args);
