from builder.cli.app import main

raise SystemExit(main())
