//! The `unet` command.

use std::io::{self, BufWriter};
use std::process::ExitCode;

use clap::Parser;
use unet::commands::{decode, Command};

/// unet: a network protocol stack for unikernels, as a command-line tool.
#[derive(Debug, Parser)]
#[command(name = "unet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode(args) => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match decode::run(&args, &mut out) {
                Ok(_) => ExitCode::SUCCESS,
                Err(decode::DecodeError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("unet decode: {}: {e}", args.file.display());
                    ExitCode::FAILURE
                }
            }
        }
    }
}
