using System.CommandLine;
using Dynamo.Simulation;

var seeds = new Option<int>("--seeds") { Description = "How many seeds to run.", DefaultValueFactory = _ => 100 };
var start = new Option<int>("--start") { Description = "First seed.", DefaultValueFactory = _ => 1 };
var seed = new Option<int?>("--seed") { Description = "Replay one seed." };
var verbose = new Option<bool>("--verbose") { Description = "With --seed: print the faults and the whole history." };
var bug = new Option<PlantedBug>("--bug") { Description = "Plant a known bug (the checker must catch it).", DefaultValueFactory = _ => PlantedBug.None };
var parallel = new Option<int>("--parallel") { Description = "Seeds run at once.", DefaultValueFactory = _ => Environment.ProcessorCount };

var root = new RootCommand("Deterministic simulation of a Dynamo cluster under faults, with a correctness checker.")
{
    seeds, start, seed, verbose, bug, parallel,
};
root.SetAction(r => r.GetValue(seed) is int one
    ? Runner.Replay(one, r.GetValue(bug), r.GetValue(verbose))
    : Runner.RunSeeds(r.GetValue(start), r.GetValue(seeds), r.GetValue(bug), Math.Max(1, r.GetValue(parallel))));

var nodes = new Option<int>("--nodes") { DefaultValueFactory = _ => 1000 };
var partitions = new Option<int>("--partitions") { DefaultValueFactory = _ => 4096 };
var scale = new Command("scale", "Ring balance, join movement, gossip spread and anti-entropy cost at scale.") { nodes, partitions };
scale.SetAction(r => Scale.Run(r.GetValue(nodes), r.GetValue(partitions)));
root.Subcommands.Add(scale);

return root.Parse(args).Invoke();
