using System.Globalization;

namespace BackupOperator.Bench;

/// <summary>
/// Where the CPU of a run went, in milliseconds per backup: the operator, kube-apiserver, etcd, and
/// the harness process (its creators and watch, and the in-process OCP simulator). On 2 cores the
/// operator's share is CPU the API server does not get.
/// </summary>
internal sealed record CpuPerBackup(double Operator, double ApiServer, double Etcd, double HarnessAndSimulator)
{
    public double Total => Operator + ApiServer + Etcd + HarnessAndSimulator;

    /// <summary>Starts counting; <see cref="Sample.Stop"/> gives the per-backup figures.</summary>
    public static Sample Start(int? operatorPid, BenchEnvironment env) => new(operatorPid, env.Api.Pids, Environment.ProcessId);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"CPU ms per backup: operator {Operator}, kube-apiserver {ApiServer}, etcd {Etcd}, harness+simulator {HarnessAndSimulator}");

    internal sealed class Sample
    {
        private readonly int[] _pids;
        private readonly double[] _before;

        public Sample(int? operatorPid, (int Etcd, int ApiServer) api, int harness)
        {
            _pids = [operatorPid ?? -1, api.ApiServer, api.Etcd, harness];
            _before = _pids.Select(Read).ToArray();
        }

        public CpuPerBackup Stop(int n)
        {
            var used = _pids.Select((pid, i) => Math.Round((Read(pid) - _before[i]) * 1000 / n, 2)).ToArray();
            return new CpuPerBackup(used[0], used[1], used[2], used[3]);
        }

        private static double Read(int pid) => pid < 0 ? 0 : Measure.CpuSeconds(pid);
    }
}
