//! The `unet` command.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;
use unet::commands::demo::DemoOutcome;
use unet::commands::{decode, demo, host, Command};

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
        Command::Host(args) => host::run(&args),
        Command::DhcpClient(args) => unet::commands::dhcp_client::run(&args),
        Command::DhcpServer(args) => unet::commands::dhcp_server::run(&args),
        Command::DnsServer(args) => unet::commands::dns_server::run(&args),
        Command::Demo(args) => {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            if args.tap {
                return demo::run_tap(&args, &mut out);
            }
            match demo::run(&args, &mut out) {
                Ok(DemoOutcome::Complete(_)) => ExitCode::SUCCESS,
                Ok(DemoOutcome::Incomplete(failed, _)) => {
                    let _ = out.flush();
                    eprintln!("unet demo: scenes that did not complete: {}", failed.join(", "));
                    ExitCode::FAILURE
                }
                Err(unet::demo::DemoError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("unet demo: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
