// Snapshot: the small devices' state (registers that hold what was written, FLLs, the fabric
// controller's interrupt controller, the testbench's exit word, the cluster control unit).

extension StorageDevice: SnapshotPart {
    func snapshot(_ coder: inout SnapshotCoder) { storage.snapshot(&coder) }
}

extension HMRUnitDevice: SnapshotPart {
    func snapshot(_ coder: inout SnapshotCoder) { storage.snapshot(&coder) }
}

extension SocControlDevice: SnapshotPart {
    func snapshot(_ coder: inout SnapshotCoder) { storage.snapshot(&coder) }
}

extension ClusterControlDevice: SnapshotPart {
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.pod(&startedHarts)
        storage.snapshot(&coder)
    }
}

extension TestbenchIODevice: SnapshotPart {
    func snapshot(_ coder: inout SnapshotCoder) { coder.optional(&pendingExitCode, empty: 0) }
}

extension FLLDevice: SnapshotPart {
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.array(&conf1); coder.array(&conf2); coder.array(&integrator)
        if coder.isRestoring && [conf1.count, conf2.count, integrator.count].contains(where: { $0 != FLLDevice.count }) {
            coder.fail("the snapshot's FLLs do not match this machine")
        }
    }
}

extension ClusterTimer: SnapshotPart {}
extension EventUnit: SnapshotPart {}
extension RedMulE: SnapshotPart {}
