from builder.cli.app import process_main

raise SystemExit(process_main())
