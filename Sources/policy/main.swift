import Foundation
import PolicyCLI

exit(PolicyCLI.main(Array(CommandLine.arguments.dropFirst()), io: .process))
