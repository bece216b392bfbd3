//! Embeds the message catalogs: every `locales/<language>/<area>.ftl` becomes part of the binary,
//! so adding a language is adding a folder of catalog files (see `src/i18n.rs`).

use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut languages: Vec<_> = fs::read_dir(&root)
        .expect("platform/locales exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    languages.sort();
    let mut code = String::from("&[\n");
    for language in languages {
        println!("cargo::rerun-if-changed={}", language.display());
        let name = language.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files: Vec<_> = fs::read_dir(&language)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        code.push_str(&format!("    ({name:?}, &[\n"));
        for file in files {
            println!("cargo::rerun-if-changed={}", file.display());
            let area = file.file_name().unwrap().to_str().unwrap();
            code.push_str(&format!(
                "        ({area:?}, include_str!({:?})),\n",
                file.display().to_string()
            ));
        }
        code.push_str("    ]),\n");
    }
    code.push(']');
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("catalogs.rs");
    fs::write(out, code).unwrap();
}
