package dev.modelmeter.cli;

/** Output formats every command offers. */
enum OutputFormat { table, json, csv, md, html }
