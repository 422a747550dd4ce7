//! Shared diagnostic types: where a problem is, what it is, and what to do about it.

use std::fmt;
use std::path::PathBuf;

/// A position in an input file; `line` and `column` count from 1.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in an input file, printed as `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
    /// What to do about it, when the message alone does not say.
    pub help: Option<String>,
}

impl Problem {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Problem {
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Everything the library can fail with. Each variant says what to do in its help text.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("{} problem{} in the rules", problems.len(), if problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(help("fix the problems listed above; `checkgen validate` lists them all"))]
    Rules { problems: Vec<Problem> },

    /// A profile (`--profile`) that cannot be used: every problem at its line and column.
    #[error("{} problem{} in the profile {file}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(help(
        "fix the problems listed above; `checkgen profile init` writes an annotated profile"
    ))]
    Profile {
        file: String,
        problems: Vec<Problem>,
    },

    /// An answer sheet (`assess`) that cannot be used: every problem at its row or line and
    /// column, nothing assessed.
    #[error("{} problem{} in the answer sheet {file}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(help(
        "fix the cells listed above and run again; `checkgen answers` writes a fresh sheet for the same form"
    ))]
    Sheet {
        file: String,
        problems: Vec<Problem>,
    },

    #[error("cannot read {}", path.display())]
    #[diagnostic(help("check that the path exists and is readable"))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{} is {kind}; only regular files are read", path.display())]
    #[diagnostic(help(
        "copy the file itself into the directory (symbolic links, FIFOs and devices are not followed)"
    ))]
    NotRegular { path: PathBuf, kind: &'static str },

    #[error("{} is larger than {} MiB", path.display(), limit >> 20)]
    #[diagnostic(help("checkgen reads inputs of at most this size; split the file"))]
    TooLarge { path: PathBuf, limit: u64 },

    #[error("cannot write {}", path.display())]
    #[diagnostic(help("check that the output directory exists and is writable"))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{message}")]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A fault of the PDF stage; its code and help text are the PDF error's own.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pdf(#[from] crate::pdf::Error),

    /// A roster that cannot be used as a whole (its encoding, its header); a bad row is not an
    /// error of this kind but a [`crate::roster::RowError`].
    #[error("roster {file} {message}")]
    Roster {
        file: String,
        message: String,
        #[help]
        help: String,
    },

    #[error("{} has Markdown that is not laid out (--strict)", path.display())]
    #[diagnostic(help(
        "the warning above lists each construct and its line: remove or rewrite them, or render without --strict"
    ))]
    NotLaidOut { path: PathBuf },

    /// Building the Word package in memory failed, which no input causes.
    #[error("cannot build the Word document")]
    #[diagnostic(help(
        "this is a fault of checkgen; please report it with the Markdown that caused it"
    ))]
    Docx {
        #[source]
        source: std::io::Error,
    },

    #[error("template {name} failed")]
    #[diagnostic(help(
        "check the template against the context documented in the README (section \"Template context\")"
    ))]
    Template {
        name: String,
        #[source]
        source: tera::Error,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// Process exit code: 2 for a request that cannot be understood, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
