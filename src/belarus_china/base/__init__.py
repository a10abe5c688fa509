"""Ground layer: where things are (`paths`), reading a package's files safely (`safe_files`,
`package_source`), the raw documents and their manifest (`rawstore`), problems and their codes
(`problems`), and the type codec (`codec`). Imports nothing above it; the light loader needs only this.
"""
