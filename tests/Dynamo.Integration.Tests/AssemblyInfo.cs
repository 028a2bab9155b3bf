[assembly: AssemblyFixture(typeof(Dynamo.Testing.SharedCluster))]
