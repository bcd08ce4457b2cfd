// The regression-farm subcommand (`pulpsim test`, Sources/pulpsim/TestCommand.swift) is not
// compiled into this target: only `pulpsim run`'s options are fuzzed here.

import ArgumentParser

extension PulpSimCommand {
    static let farmSubcommands: [ParsableCommand.Type] = []
}
