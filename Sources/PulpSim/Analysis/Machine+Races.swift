// Analysis: how the machine feeds the race detector (Analysis/RaceDetector.swift): the harts'
// accesses to RAM, and the devices' synchronisation and accesses through `Machine.races`.

extension Machine {
    func startRaceDetector() {
        let detector = RaceDetector(harts: harts.count) { [unowned self] hart, pc in
            let symbol = symbols.describe(pc)
            return hex08(pc) + (symbol.isEmpty ? "" : " <\(symbol)>")
        }
        for r in bus.regions { if case .ram(let ram, _) = r.kind { detector.memoryNames[ObjectIdentifier(ram)] = ram.name } }
        races = detector
        eventUnit?.races = detector
        redmule?.races = detector
        dma?.engine.races = detector
        updateObservation()
    }

    /// A hart's load or store of `size` bytes at `address` (retired).
    func raceAccess(_ races: RaceDetector, hart: Int, address: UInt32, size: Int, write: Bool, pc: UInt32, cycle: UInt64) {
        races.cycle = cycle
        guard let region = bus.region(containing: address) else { return }
        switch region.kind {
        case .ram(let ram, let offset):
            races.access(hart, memory: ObjectIdentifier(ram), offset: offset + Int(address &- region.start), size: size, write: write,
                         pc: pc, address: address)
        case .device(let device):
            guard let tas = device as? TestAndSetDevice else { return }
            let offset = Int(address &- region.start)
            if write {
                races.testAndSetStore(hart, memory: ObjectIdentifier(tas.tcdm.storage), offset: offset, address: address)
            } else {
                races.testAndSet(hart, memory: ObjectIdentifier(tas.tcdm.storage), offset: offset, address: address)
            }
        }
    }

    /// The races found (`RunResult.races`).
    var raceReports: [RaceReport]? { races?.races }
}
