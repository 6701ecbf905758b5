//! `gantry schema`: JSON Schemas for editors (yaml-language-server and friends).

use crate::args::SchemaFormat;
use crate::exit_code::ExitCode;

pub fn print(format: SchemaFormat) -> ExitCode {
    let schema = match format {
        SchemaFormat::Blubber => gantry_spec::blubber::schema::json_schema(),
    };
    match serde_json::to_string_pretty(&schema) {
        Ok(text) => {
            println!("{text}");
            ExitCode::Ok
        }
        Err(e) => {
            eprintln!("gantry: cannot print the schema: {e}");
            ExitCode::Infrastructure
        }
    }
}
